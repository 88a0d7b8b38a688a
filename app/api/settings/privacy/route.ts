// "Hide my IP address" (server/privacy.ts): read and change the signed-in
// user's setting. Turning it on needs a TURN relay on this server.
import { NextResponse } from "next/server";
import { z } from "zod";
import { DialtoneError } from "@/server/protocol/errors";
import { getDb } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { errorResponse, readJson, requireUserId } from "@/server/http/respond";
import { hideIpOf, relayAvailable, setHideIp } from "@/server/privacy";
import { consume, getLimits } from "@/server/rate-limits";

export const dynamic = "force-dynamic";

const body = z.object({ hideIp: z.boolean() }).strict();

export async function GET() {
  try {
    const userId = await requireUserId();
    return NextResponse.json({ ok: true, hideIp: await hideIpOf(getDb(), userId), available: relayAvailable(getEnv()) });
  } catch (err) {
    return errorResponse(err);
  }
}

export async function PUT(req: Request) {
  try {
    const userId = await requireUserId();
    await consume(getLimits().settingsChange, userId);
    const parsed = body.safeParse(await readJson(req, 256));
    if (!parsed.success) throw new DialtoneError("invalid_payload");
    const available = relayAvailable(getEnv());
    if (parsed.data.hideIp && !available) throw new DialtoneError("invalid_state", "This server has no TURN relay: the setting is unavailable.");
    await setHideIp(getDb(), userId, parsed.data.hideIp);
    return NextResponse.json({ ok: true, hideIp: parsed.data.hideIp, available });
  } catch (err) {
    return errorResponse(err);
  }
}
