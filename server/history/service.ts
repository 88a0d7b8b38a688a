// Call history, derived from call rows (nothing is written twice).
import type { Db } from "../db/client";
import { historyLabel, type CallOutcome, type HistoryLabel } from "../call/state-machine";

export type HistoryEntry = {
  id: string;
  other: { id: string; name: string };
  direction: "Outgoing" | "Incoming";
  kind: "video" | "audio";
  label: HistoryLabel;
  startedAt: string;
  durationSeconds: number | null;
};

export const PAGE_SIZE = 50;
/** Outcomes the callee sees as "Missed". */
const MISSED_FOR_CALLEE = ["missed", "cancelled", "busy"];

/** Ended calls of a user, newest first; keyset pagination on (createdAt, id). */
export async function listHistory(db: Db, userId: string, before?: { createdAt: Date; id: string }) {
  const rows = await db.call.findMany({
    where: {
      status: "ended",
      OR: [{ callerId: userId }, { calleeId: userId }],
      ...(before
        ? { AND: [{ OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }] }
        : {}),
    },
    include: { caller: { select: { id: true, name: true } }, callee: { select: { id: true, name: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
  });
  const entries: HistoryEntry[] = rows.slice(0, PAGE_SIZE).map((r) => {
    const outgoing = r.callerId === userId;
    const outcome = (r.outcome ?? "failed") as CallOutcome;
    return {
      id: r.id,
      other: outgoing ? r.callee : r.caller,
      direction: outgoing ? "Outgoing" : "Incoming",
      kind: r.kind === "audio" ? "audio" : "video",
      label: historyLabel(outcome, outgoing ? "caller" : "callee"),
      startedAt: r.createdAt.toISOString(),
      durationSeconds:
        r.answeredAt && r.endedAt ? Math.max(0, Math.round((r.endedAt.getTime() - r.answeredAt.getTime()) / 1000)) : null,
    };
  });
  const last = rows[PAGE_SIZE - 1];
  const nextCursor = rows.length > PAGE_SIZE && last ? `${last.createdAt.toISOString()}_${last.id}` : null;
  return { entries, nextCursor };
}

export function parseCursor(cursor: string | null): { createdAt: Date; id: string } | undefined {
  if (!cursor || cursor.length > 100) return undefined;
  const [iso, id] = cursor.split("_");
  const date = new Date(iso ?? "");
  if (!id || Number.isNaN(date.getTime())) return undefined;
  return { createdAt: date, id };
}

export async function unseenMissedCount(db: Db, userId: string): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { missedSeenAt: true } });
  if (!user) return 0;
  return db.call.count({
    where: { calleeId: userId, status: "ended", outcome: { in: MISSED_FOR_CALLEE }, createdAt: { gt: user.missedSeenAt } },
  });
}

export async function markMissedSeen(db: Db, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { missedSeenAt: new Date() } });
}
