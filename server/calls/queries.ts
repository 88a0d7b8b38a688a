// All Prisma access of the call domain.
import { Prisma } from "../db/generated/sqlite/client";
import type { Db } from "../db/client";
import { isSqliteBusy, sqliteDate, sqliteReaderOf, sqliteWriterOf } from "../db/sqlite-reader";
import type { CallInfo, CallKind } from "../call/protocol";
import type { CallOutcome, CallStatus } from "../call/state-machine";

export const callInclude = {
  caller: { select: { id: true, name: true } },
  callee: { select: { id: true, name: true } },
} as const;

type CallRow = {
  id: string;
  kind: string;
  status: string;
  outcome: string | null;
  createdAt: Date;
  ringExpiresAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  caller: { id: string; name: string };
  callee: { id: string; name: string };
};

export function toCallInfo(row: CallRow): CallInfo {
  return {
    id: row.id,
    kind: row.kind as CallKind,
    status: row.status as CallStatus,
    outcome: (row.outcome as CallOutcome | null) ?? null,
    caller: row.caller,
    callee: row.callee,
    createdAt: row.createdAt.toISOString(),
    ringExpiresAt: row.ringExpiresAt.toISOString(),
    answeredAt: row.answeredAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

/** A call with its participants' ids (what the server knows; CallInfo is what a participant may know). */
export type StoredCall = CallInfo & { callerId: string; calleeId: string };

export async function findCall(db: Db, id: string): Promise<StoredCall | null> {
  const row = await db.call.findUnique({ where: { id }, include: callInclude });
  return row ? { ...toCallInfo(row), callerId: row.callerId, calleeId: row.calleeId } : null;
}

/**
 * Every live call (active, or ringing, rings past their time included) that
 * involves any of these users: all of an invite's busy checks answered by one
 * read (raw: it is on the path of every ring on several nodes).
 */
export async function liveCallsInvolving(db: Db, userIds: string[]) {
  const ids = Prisma.join(userIds);
  const query = Prisma.sql`SELECT "id", "callerId", "calleeId", "status", "ringExpiresAt" FROM "Call"
    WHERE "status" IN ('ringing', 'active') AND ("callerId" IN (${ids}) OR "calleeId" IN (${ids}))`;
  // On SQLite through the prepared read-only connection: under the invite's
  // locks every write that matters here is committed, and WAL shows it.
  const reader = sqliteReaderOf(db);
  if (reader) {
    return reader.rows<[string, string, string, CallStatus, string]>(query).map(([id, callerId, calleeId, status, ringExpiresAt]) => ({
      id,
      callerId,
      calleeId,
      status,
      ringExpiresAt: sqliteDate(ringExpiresAt),
    }));
  }
  const rows = await db.$queryRaw<{ id: string; callerId: string; calleeId: string; status: CallStatus; ringExpiresAt: Date }[]>(query);
  return rows.map((r) => ({ ...r, ringExpiresAt: new Date(r.ringExpiresAt) }));
}

export async function liveCallsOf(db: Db, userId: string, now: Date) {
  const rows = await db.call.findMany({
    where: {
      OR: [
        { status: "active", OR: [{ callerId: userId }, { calleeId: userId }] },
        { status: "ringing", ringExpiresAt: { gt: now }, OR: [{ callerId: userId }, { calleeId: userId }] },
      ],
    },
    include: callInclude,
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return rows;
}

/** Users among `ids` who are in an active call. */
export async function usersInActiveCalls(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.call.findMany({
    where: { status: "active", OR: [{ callerId: { in: ids } }, { calleeId: { in: ids } }] },
    select: { callerId: true, calleeId: true },
  });
  const set = new Set<string>();
  for (const r of rows) {
    set.add(r.callerId);
    set.add(r.calleeId);
  }
  return set;
}

export type CallRowInsert = {
  id: string;
  createdAt: Date;
  callerId: string;
  calleeId: string;
  kind: CallKind;
  status: CallStatus;
  outcome: CallOutcome | null;
  endReason: string | null;
  ringExpiresAt: Date;
  endedAt: Date | null;
};

// The two writes on the path of every call are single raw statements, the
// same on SQLite and PostgreSQL. Prisma's `create` also reads the row back and
// its `updateMany` plans the query each time; on SQLite they go through a
// connection of our own with the statements prepared once
// (server/db/sqlite-reader.ts#openSqliteWriter). Measured here, CPU per write:
// create ~430 µs, insert through $executeRaw ~210 µs, prepared ~50 µs;
// updateMany ~180 µs, update through $executeRaw ~80 µs, prepared ~20 µs.

/**
 * Runs one write: on SQLite's own prepared connection, else (PostgreSQL, or
 * that connection finding the file locked by another writer) through Prisma.
 * Returns the rows changed.
 */
async function execute(db: Db, query: Prisma.Sql): Promise<number> {
  const writer = sqliteWriterOf(db);
  if (writer) {
    try {
      return writer.run(query);
    } catch (err) {
      if (!isSqliteBusy(err)) throw err;
    }
  }
  return db.$executeRaw(query);
}

/** Insert one call row (id and createdAt chosen by the caller). */
export async function insertCall(db: Db, c: CallRowInsert): Promise<void> {
  await execute(
    db,
    Prisma.sql`INSERT INTO "Call" ("id", "createdAt", "callerId", "calleeId", "kind", "status", "outcome", "endReason", "ringExpiresAt", "endedAt")
    VALUES (${c.id}, ${c.createdAt}, ${c.callerId}, ${c.calleeId}, ${c.kind}, ${c.status}, ${c.outcome}, ${c.endReason}, ${c.ringExpiresAt}, ${c.endedAt})`,
  );
}

/**
 * Conditional transition in one statement: applies only if the call is still
 * in `from` (and, for an accept, the sender is its callee and the ring time is
 * not over). Returns whether it applied.
 */
export async function updateCallIf(
  db: Db,
  id: string,
  from: CallStatus,
  data: { status: CallStatus; outcome?: CallOutcome | null; endReason?: string; endedById?: string | null; answeredAt?: Date; endedAt?: Date },
  guard: { calleeId?: string; ringExpiresAfter?: Date } = {},
): Promise<boolean> {
  const set = [Prisma.sql`"status" = ${data.status}`];
  if (data.outcome !== undefined) set.push(Prisma.sql`"outcome" = ${data.outcome}`);
  if (data.endReason !== undefined) set.push(Prisma.sql`"endReason" = ${data.endReason}`);
  if (data.endedById !== undefined) set.push(Prisma.sql`"endedById" = ${data.endedById}`);
  if (data.answeredAt !== undefined) set.push(Prisma.sql`"answeredAt" = ${data.answeredAt}`);
  if (data.endedAt !== undefined) set.push(Prisma.sql`"endedAt" = ${data.endedAt}`);
  const where = [Prisma.sql`"id" = ${id}`, Prisma.sql`"status" = ${from}`];
  if (guard.calleeId !== undefined) where.push(Prisma.sql`"calleeId" = ${guard.calleeId}`);
  if (guard.ringExpiresAfter !== undefined) where.push(Prisma.sql`"ringExpiresAt" > ${guard.ringExpiresAfter}`);
  const count = await execute(db, Prisma.sql`UPDATE "Call" SET ${Prisma.join(set, ", ")} WHERE ${Prisma.join(where, " AND ")}`);
  return count === 1;
}

/** Who is in a call, without loading the rest (one indexed read). */
export function findCallParticipants(db: Db, id: string) {
  return db.call.findUnique({ where: { id }, select: { callerId: true, calleeId: true } });
}

/** Ringing calls whose ring time is over, and active calls for the periodic sweep. */
export function expiredRingingCalls(db: Db, now: Date) {
  return db.call.findMany({ where: { status: "ringing", ringExpiresAt: { lte: now } }, select: { id: true }, take: 500 });
}

/** Active calls, oldest first (the sweep checks their participants are still connected). */
export function activeCalls(db: Db, take = 500) {
  return db.call.findMany({
    where: { status: "active" },
    select: { id: true, callerId: true, calleeId: true },
    orderBy: { answeredAt: "asc" },
    take,
  });
}
