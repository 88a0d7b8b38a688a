// Call history, derived from call rows (nothing is written twice).
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";
import { pgReaderOf } from "../db/pg-reader";
import { sqliteDate, sqliteReaderOf } from "../db/sqlite-reader";
import { historyLabel, type CallOutcome, type HistoryLabel } from "../call-domain/state-machine";
import type { FailureStep, QualityLevel } from "../quality/record";

export type HistoryEntry = {
  id: string;
  /** `deleted`: that account was deleted; its name is gone (the page shows "Deleted user"). */
  other: { id: string; name: string; deleted: boolean };
  direction: "Outgoing" | "Incoming";
  kind: "video" | "audio";
  label: HistoryLabel;
  startedAt: string;
  durationSeconds: number | null;
  /** This user's quality record of the call, in short (server/quality/, kept on the call row): its level and, when it failed, the step; null when none was sent or it measured nothing. */
  quality: { level: QualityLevel | null; failure: FailureStep | null } | null;
};

export const PAGE_SIZE = 50;
/** Outcomes the callee sees as "Missed". */
const MISSED_FOR_CALLEE = ["missed", "cancelled", "busy"];

type HistoryRow = {
  id: string;
  callerId: string;
  kind: string;
  outcome: string | null;
  createdAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  otherId: string;
  otherName: string | null;
  level: string | null;
  failure: string | null;
};

/** One side of a user's history: a keyset page walking that side's index, newest first. */
function historySide(mine: "callerId" | "calleeId", other: "callerId" | "calleeId", userId: string, before?: { createdAt: Date; id: string }) {
  // (createdAt, id) < cursor, written so the index range starts at the cursor's createdAt.
  const keyset = before
    ? Prisma.sql` AND "createdAt" <= ${before.createdAt} AND ("createdAt" < ${before.createdAt} OR "id" < ${before.id})`
    : Prisma.empty;
  const side = mine === "callerId" ? "caller" : "callee";
  return Prisma.sql`SELECT "id", "callerId", "kind", "outcome", "createdAt", "answeredAt", "endedAt", ${Prisma.raw(`"${other}"`)} AS "otherId",
    ${Prisma.raw(`"${side}Level" AS "level", "${side}Failure" AS "failure"`)}
    FROM "Call" WHERE ${Prisma.raw(`"${mine}"`)} = ${userId} AND "status" = 'ended'${keyset}
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${Prisma.raw(String(PAGE_SIZE + 1))}`;
}

/** A page row as a reader returns it: the outer SELECT's columns, in order; DateTime columns as the driver reads them (SQLite: text). */
type HistoryTuple<D> = [
  id: string,
  callerId: string,
  kind: string,
  outcome: string | null,
  createdAt: D,
  answeredAt: D | null,
  endedAt: D | null,
  otherId: string,
  otherName: string | null,
  level: string | null,
  failure: string | null,
];

function historyRow<D>(
  [id, callerId, kind, outcome, createdAt, answeredAt, endedAt, otherId, otherName, level, failure]: HistoryTuple<D>,
  date: (d: D) => Date,
): HistoryRow {
  return {
    id,
    callerId,
    kind,
    outcome,
    createdAt: date(createdAt),
    answeredAt: answeredAt === null ? null : date(answeredAt),
    endedAt: endedAt === null ? null : date(endedAt),
    otherId,
    otherName,
    level,
    failure,
  };
}

/** Ended calls of a user, newest first; keyset pagination on (createdAt, id). */
export async function listHistory(db: Db, userId: string, before?: { createdAt: Date; id: string }) {
  // One statement: a keyset page from each side's own index ([callerId|calleeId,
  // createdAt, id], read newest first, stopping after a page), merged, with the
  // other party's name (none for a deleted account). A `callerId = ? OR calleeId = ?` query had to collect and
  // sort the user's whole history first, and the typed API needs three round
  // trips for this shape; bench/history.ts measures both (1M calls). Names are
  // looked up for the page's rows only, by primary key. Plain SQL that SQLite
  // and PostgreSQL both run (the integration suite runs on both).
  const limit = Prisma.raw(String(PAGE_SIZE + 1));
  const query = Prisma.sql`
    SELECT page."id", page."callerId", page."kind", page."outcome", page."createdAt", page."answeredAt", page."endedAt", page."otherId",
      (SELECT CASE WHEN u."deletedAt" IS NULL THEN u."name" END FROM "User" u WHERE u."id" = page."otherId") AS "otherName",
      page."level", page."failure" FROM (
      SELECT * FROM (${historySide("callerId", "calleeId", userId, before)}) AS made
      UNION ALL
      SELECT * FROM (${historySide("calleeId", "callerId", userId, before)}) AS received
      ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}
    ) AS page
    ORDER BY page."createdAt" DESC, page."id" DESC`;
  // The shared client runs it as a statement prepared once per connection: on
  // SQLite on its read-only connection (server/db/sqlite-reader.ts: ~2.2x →
  // ~1.3x the bare query), on PostgreSQL on its pool (server/db/pg-reader.ts:
  // ~1.8x → ~1.2x); a transaction client has neither and takes Prisma's path.
  const sqlite = sqliteReaderOf(db);
  const postgres = sqlite ? undefined : pgReaderOf(db);
  const rows: HistoryRow[] = sqlite
    ? sqlite.rows<HistoryTuple<string>>(query).map((t) => historyRow(t, sqliteDate))
    : postgres
      ? (await postgres.rows<HistoryTuple<Date>>(query)).map((t) => historyRow(t, (d) => d))
      : await db.$queryRaw<HistoryRow[]>(query);
  const entries: HistoryEntry[] = rows.slice(0, PAGE_SIZE).map((r) => {
    const outgoing = r.callerId === userId;
    const outcome = (r.outcome ?? "failed") as CallOutcome;
    return {
      id: r.id,
      // A deleted account's row stays with no name (server/account/service.ts#deleteAccount).
      other: r.otherName === null ? { id: r.otherId, name: "", deleted: true } : { id: r.otherId, name: r.otherName, deleted: false },
      direction: outgoing ? "Outgoing" : "Incoming",
      kind: r.kind === "audio" ? "audio" : "video",
      label: historyLabel(outcome, outgoing ? "caller" : "callee"),
      startedAt: r.createdAt.toISOString(),
      durationSeconds:
        r.answeredAt && r.endedAt ? Math.max(0, Math.round((r.endedAt.getTime() - r.answeredAt.getTime()) / 1000)) : null,
      quality: r.level === null && r.failure === null ? null : { level: r.level as QualityLevel | null, failure: r.failure as FailureStep | null },
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
