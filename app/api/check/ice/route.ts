// The connectivity check (/check) asks for the ICE servers a call of this
// user would get — STUN URLs and a TURN credential signed for them — to test
// them from the browser. Rate-limited like a credential that opens relays.
import { NextResponse } from "next/server";
import { getEnv } from "@/server/env";
import { errorResponse, requireUserId } from "@/server/http/respond";
import { iceServersFromEnv } from "@/server/ice";
import { consume, getLimits } from "@/server/rate-limits";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const userId = await requireUserId();
    await consume(getLimits().settingsChange, userId);
    const env = getEnv();
    return NextResponse.json({
      ok: true,
      iceServers: iceServersFromEnv(env)(userId),
      stunConfigured: env.STUN_URLS.length > 0,
      turnConfigured: env.TURN_URLS.length > 0 && Boolean(env.TURN_SECRET),
    });
  } catch (err) {
    return errorResponse(err);
  }
}
