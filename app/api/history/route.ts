import { NextResponse } from "next/server";
import { getDb } from "@/server/db/client";
import { listHistory, parseCursor, unseenMissedCount } from "@/server/history/service";
import { errorResponse, requireUserId } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  try {
    const userId = await requireUserId();
    const url = new URL(req.url);
    const db = getDb();
    if (url.searchParams.get("count") === "1") {
      return NextResponse.json({ ok: true, unseenMissed: await unseenMissedCount(db, userId) });
    }
    const page = await listHistory(db, userId, parseCursor(url.searchParams.get("before")));
    return NextResponse.json({ ok: true, ...page, unseenMissed: await unseenMissedCount(db, userId) });
  } catch (err) {
    return errorResponse(err);
  }
}
