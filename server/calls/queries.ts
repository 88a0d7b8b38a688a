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

/**
 * Why a user cannot place a call: an active call, or a call they are placing
 * that still rings. A call merely ringing FOR them does not stop them.
 */
export function findCallBlockingCaller(db: Db, userId: string) {
  return db.call.findFirst({
    where: {
      OR: [
        { status: "active", OR: [{ callerId: userId }, { calleeId: userId }] },
        { status: "ringing", callerId: userId },
      ],
    },
    select: { id: true },
  });
}

/** Why a callee is "Busy": any live call (active, or ringing either way). */
export function findCallBlockingCallee(db: Db, userId: string) {
  return db.call.findFirst({
    where: { status: { in: ["ringing", "active"] }, OR: [{ callerId: userId }, { calleeId: userId }] },
    select: { id: true },
  });
}

/** A call `callerId` placed to `calleeId` that still rings (its ring time not over). */
export function findRingingCall(db: Db, callerId: string, calleeId: string, now: Date) {
  return db.call.findFirst({ where: { status: "ringing", callerId, calleeId, ringExpiresAt: { gt: now } }, select: { id: true } });
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

export function createCall(
  db: Db,
  data: { callerId: string; calleeId: string; kind: CallKind; status: CallStatus; outcome?: CallOutcome; endReason?: string; ringExpiresAt: Date; endedAt?: Date },
) {
  return db.call.create({ data, include: callInclude });
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
