import { NextResponse } from "next/server";
import { reportSetupTime } from "@/server/calls/setup-time";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireUserId } from "@/server/http/respond";
import { getMetrics } from "@/server/observability/metrics";

type Ctx = { params: Promise<{ callId: string }> };

/** { ms }: this participant's set-up time for the call (server/calls/setup-time.ts). */
export async function POST(req: Request, ctx: Ctx) {
  try {
    const userId = await requireUserId();
    const { callId } = await ctx.params;
    await reportSetupTime(getDb(), getMetrics(), userId, callId, await readJson(req, 256));
    return NextResponse.json({ ok: true });
  } catch (err) {
    return errorResponse(err);
  }
}
