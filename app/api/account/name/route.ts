// A new display name (server/account/service.ts#changeName): contacts see it at once.
import { NextResponse } from "next/server";
import { changeName } from "@/server/account/service";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

/** { name } */
export async function POST(req: Request) {
  try {
    const { userId } = await requireSession();
    await consume(getLimits().account, userId);
    const name = await changeName(getDb(), userId, await readJson(req));
    getLog().info({ event: "account.name_changed", userId }, "display name changed");
    return NextResponse.json({ ok: true, name });
  } catch (err) {
    return errorResponse(err);
  }
}
