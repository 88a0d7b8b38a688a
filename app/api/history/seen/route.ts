import { NextResponse } from "next/server";
import { getDb } from "@/server/db/client";
import { markMissedSeen } from "@/server/history/service";
import { errorResponse, requireUserId } from "@/server/http/respond";

export async function POST() {
  try {
    await markMissedSeen(getDb(), await requireUserId());
    return NextResponse.json({ ok: true, unseenMissed: 0 });
  } catch (err) {
    return errorResponse(err);
  }
}
