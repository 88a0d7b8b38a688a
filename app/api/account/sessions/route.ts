// "Sign out everywhere else" (server/account/service.ts#endOtherSessions).
import { NextResponse } from "next/server";
import { endOtherSessions } from "@/server/account/service";
import { getDb } from "@/server/db/client";
import { errorResponse, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

/** Every session of the user but the one making this request. */
export async function DELETE() {
  try {
    const { userId, sessionId } = await requireSession();
    await consume(getLimits().account, userId);
    const ended = await endOtherSessions(getDb(), userId, sessionId);
    getLog().info({ event: "account.sessions_ended", userId, count: ended.length, reason: "others" }, "signed out everywhere else");
    return NextResponse.json({ ok: true, ended: ended.length });
  } catch (err) {
    return errorResponse(err);
  }
}
