// All Prisma access of the call domain.
import type { Db } from "../db/client";
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

export async function findCall(db: Db, id: string): Promise<(CallInfo & { callerId: string; calleeId: string }) | null> {
  const row = await db.call.findUnique({ where: { id }, include: callInclude });
  return row ? { ...toCallInfo(row), callerId: row.callerId, calleeId: row.calleeId } : null;
}

/** Who is in a call, without loading the rest (one indexed read). */
export function findCallParticipants(db: Db, id: string) {
  return db.call.findUnique({ where: { id }, select: { callerId: true, calleeId: true } });
}

/**
 * Every live call (active, or ringing, rings past their time included) that
 * involves either user: all of an invite's busy checks answered by one read.
 */
export function liveCallsInvolving(db: Db, a: string, b: string) {
  return db.call.findMany({
    where: { status: { in: ["ringing", "active"] }, OR: [{ callerId: { in: [a, b] } }, { calleeId: { in: [a, b] } }] },
    select: { id: true, callerId: true, calleeId: true, status: true, ringExpiresAt: true },
  });
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

/** Conditional transition: only succeeds if the call is still in `from`. */
export async function transitionCall(
  db: Db,
  id: string,
  from: CallStatus,
  data: { status: CallStatus; outcome?: CallOutcome | null; endReason?: string; endedById?: string | null; answeredAt?: Date; endedAt?: Date },
  extraWhere: { calleeId?: string; ringExpiresAt?: { gt: Date } } = {},
): Promise<boolean> {
  const res = await db.call.updateMany({ where: { id, status: from, ...extraWhere }, data });
  return res.count === 1;
}

export async function createCall(
  db: Db,
  data: { callerId: string; calleeId: string; kind: CallKind; status: CallStatus; outcome?: CallOutcome; endReason?: string; ringExpiresAt: Date; endedAt?: Date },
) {
  // Not `include: callInclude`: with relations Prisma wraps the insert and three
  // reads in a transaction (measured ~3x the CPU of these two single statements,
  // and it sits on the path of every ring). Same result.
  const row = await db.call.create({ data });
  const users = await db.user.findMany({ where: { id: { in: [data.callerId, data.calleeId] } }, select: { id: true, name: true } });
  const user = (id: string) => users.find((u) => u.id === id) ?? { id, name: "" };
  return { ...row, caller: user(data.callerId), callee: user(data.calleeId) };
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
