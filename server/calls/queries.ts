// All Prisma access of the call domain.
import { Prisma } from "../db/generated/sqlite/client";
import type { Db } from "../db/client";
import { isSqliteBusy, sqliteWriterOf } from "../db/sqlite-reader";
import type { CallInfo, CallKind } from "../protocol/events";
import type { CallOutcome, CallStatus } from "../call-domain/state-machine";

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

/** Every call the database has as live (ringing or active): what a call store loads when it starts. */
export async function findLiveCalls(db: Db): Promise<StoredCall[]> {
  const rows = await db.call.findMany({ where: { status: { in: ["ringing", "active"] } }, include: callInclude });
  return rows.map((r) => ({ ...toCallInfo(r), callerId: r.callerId, calleeId: r.calleeId }));
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

/** A call row as a whole (RedisCallStore writes each state of a call so). */
export type CallRowSave = CallRowInsert & { answeredAt: Date | null; endedById: string | null };

const statusRank = (column: Prisma.Sql) => Prisma.sql`(CASE ${column} WHEN 'ringing' THEN 0 WHEN 'active' THEN 1 ELSE 2 END)`;

/**
 * Write a call as it now is, unless the row already holds a later state.
 * Several nodes write one call (placed on one, answered on another, ended on
 * a third), each right after its own decision, so their writes may land out of
 * order; a call only ever moves ringing → active → ended, so the later state
 * wins whatever the order.
 */
export async function saveCall(db: Db, c: CallRowSave): Promise<void> {
  await execute(
    db,
    Prisma.sql`INSERT INTO "Call" ("id", "createdAt", "callerId", "calleeId", "kind", "status", "outcome", "endReason", "endedById", "ringExpiresAt", "answeredAt", "endedAt")
    VALUES (${c.id}, ${c.createdAt}, ${c.callerId}, ${c.calleeId}, ${c.kind}, ${c.status}, ${c.outcome}, ${c.endReason}, ${c.endedById}, ${c.ringExpiresAt}, ${c.answeredAt}, ${c.endedAt})
    ON CONFLICT ("id") DO UPDATE SET "status" = excluded."status", "outcome" = excluded."outcome", "endReason" = excluded."endReason",
      "endedById" = excluded."endedById", "answeredAt" = excluded."answeredAt", "endedAt" = excluded."endedAt"
    WHERE ${statusRank(Prisma.raw('"Call"."status"'))} < ${statusRank(Prisma.raw('excluded."status"'))}`,
  );
}

/**
 * Conditional transition in one statement: applies only if the call is still
 * in `from` (MemoryCallStore's write behind its decision). Returns whether it
 * applied.
 */
export async function updateCallIf(
  db: Db,
  id: string,
  from: CallStatus,
  data: { status: CallStatus; outcome?: CallOutcome | null; endReason?: string; endedById?: string | null; answeredAt?: Date; endedAt?: Date },
): Promise<boolean> {
  const set = [Prisma.sql`"status" = ${data.status}`];
  if (data.outcome !== undefined) set.push(Prisma.sql`"outcome" = ${data.outcome}`);
  if (data.endReason !== undefined) set.push(Prisma.sql`"endReason" = ${data.endReason}`);
  if (data.endedById !== undefined) set.push(Prisma.sql`"endedById" = ${data.endedById}`);
  if (data.answeredAt !== undefined) set.push(Prisma.sql`"answeredAt" = ${data.answeredAt}`);
  if (data.endedAt !== undefined) set.push(Prisma.sql`"endedAt" = ${data.endedAt}`);
  const where = [Prisma.sql`"id" = ${id}`, Prisma.sql`"status" = ${from}`];
  const count = await execute(db, Prisma.sql`UPDATE "Call" SET ${Prisma.join(set, ", ")} WHERE ${Prisma.join(where, " AND ")}`);
  return count === 1;
}

/** Who is in a call, without loading the rest (one indexed read). */
export function findCallParticipants(db: Db, id: string) {
  return db.call.findUnique({ where: { id }, select: { callerId: true, calleeId: true } });
}
