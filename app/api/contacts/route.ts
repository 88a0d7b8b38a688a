import { NextResponse } from "next/server";
import { listContacts, requestContact } from "@/server/contacts/service";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireUserId } from "@/server/http/respond";
import { notifyContactsChanged } from "@/server/realtime";
import { consume, getLimits } from "@/server/rate-limits";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const userId = await requireUserId();
    return NextResponse.json({ ok: true, ...(await listContacts(getDb(), userId)) });
  } catch (err) {
    return errorResponse(err);
  }
}

export async function POST(req: Request) {
  try {
    const userId = await requireUserId();
    await consume(getLimits().contactRequest, userId);
    const changed = await requestContact(getDb(), userId, await readJson(req));
    notifyContactsChanged(changed);
    return NextResponse.json({ ok: true }, { status: 201 });
  } catch (err) {
    return errorResponse(err);
  }
}
