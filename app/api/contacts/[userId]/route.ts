import { NextResponse } from "next/server";
import { actOnContact, unblock } from "@/server/contacts/service";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireUserId } from "@/server/http/respond";
import { notifyContactsChanged } from "@/server/realtime";

type Ctx = { params: Promise<{ userId: string }> };

/** { action: "accept" | "decline" | "remove" | "block" } on the person `userId`. */
export async function POST(req: Request, ctx: Ctx) {
  try {
    const me = await requireUserId();
    const { userId } = await ctx.params;
    const changed = await actOnContact(getDb(), me, userId, await readJson(req));
    notifyContactsChanged(changed);
    return NextResponse.json({ ok: true });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Unblock `userId`. */
export async function DELETE(_req: Request, ctx: Ctx) {
  try {
    const me = await requireUserId();
    const { userId } = await ctx.params;
    await unblock(getDb(), me, userId);
    notifyContactsChanged([me]);
    return NextResponse.json({ ok: true });
  } catch (err) {
    return errorResponse(err);
  }
}
