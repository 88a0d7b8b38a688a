// Sign out one session of the user (server/account/service.ts#endSession).
import { NextResponse } from "next/server";
import { endSession } from "@/server/account/service";
import { getDb } from "@/server/db/client";
import { errorResponse, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

type Ctx = { params: Promise<{ sessionId: string }> };

/** Only the user's own sessions: any other id is 404 not_found. */
export async function DELETE(_req: Request, ctx: Ctx) {
  try {
    const { userId } = await requireSession();
    await consume(getLimits().account, userId);
    const ended = await endSession(getDb(), userId, (await ctx.params).sessionId);
    getLog().info({ event: "account.sessions_ended", userId, count: ended.length, reason: "one" }, "signed out a session");
    return NextResponse.json({ ok: true });
  } catch (err) {
    return errorResponse(err);
  }
}
