import { NextResponse } from "next/server";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireUserId } from "@/server/http/respond";
import { readQualityRecords, saveQualityRecord } from "@/server/quality/service";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ callId: string }> };

/** This participant's quality record of the call, once, when it ends (server/quality/record.ts). */
export async function POST(req: Request, ctx: Ctx) {
  try {
    const userId = await requireUserId();
    const { callId } = await ctx.params;
    const level = await saveQualityRecord(getDb(), userId, callId, await readJson(req, 1_024));
    return NextResponse.json({ ok: true, level });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Both participants' records of the call (the history's details); anyone else gets 404. */
export async function GET(_req: Request, ctx: Ctx) {
  try {
    const userId = await requireUserId();
    const { callId } = await ctx.params;
    return NextResponse.json({ ok: true, ...(await readQualityRecords(getDb(), userId, callId)) });
  } catch (err) {
    return errorResponse(err);
  }
}
