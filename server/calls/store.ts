// The contract of the call store: where the call service reads and decides
// call state. Two implementations, chosen by topology (server/signaling/
// topology.ts):
//
// - MemoryCallStore (./memory-store.ts), one node (no REDIS_URL): this process
//   is the only writer of calls, so the live calls (ringing, active) are held
//   in memory and every decision (busy, glare, who won an accept) is one
//   synchronous step there.
// - RedisCallStore (./redis-store.ts), several nodes: the live calls are in
//   Redis and every decision is one Lua script, atomic across nodes.
//
// Either way the database is the record, written right after the decision
// (per call, in order: ./write-queue.ts): the service tells the other party
// first and answers the actor once `persisted` resolves, so a ring never waits
// for a query and a history read after an ack sees the row. An invite or an
// accept is decided in one step (`invite`, `accept`), so no locks are needed
// around them. Below the contract: what both stores do alike (the calls they
// build from a request, the answers they read from the database).
import { randomUUID } from "node:crypto";
import type { CallKind, UserRef } from "../protocol/events";
import type { CallOutcome, CallStatus } from "../call-domain/state-machine";
import type { Db } from "../db/client";
import { decideAcceptNotLive, type AcceptRefusal } from "../call-domain/call-rules";
import { findCallParticipants, toCallInfo, type CallRowInsert, type StoredCall } from "./queries";

export type { StoredCall };
export type NewCall = {
  callerId: string;
  calleeId: string;
  kind: CallKind;
  status: CallStatus;
  outcome?: CallOutcome;
  endReason?: string;
  ringExpiresAt: Date;
  endedAt?: Date;
  caller: UserRef;
  callee: UserRef;
};
export type CallChange = {
  status: CallStatus;
  outcome?: CallOutcome | null;
  endReason?: string;
  endedById?: string | null;
  answeredAt?: Date;
  endedAt?: Date;
};
export type Written = { won: boolean; persisted: Promise<void> };

/** A ring limit the store checks in the same step as the invite (RedisCallStore: the same Redis keys as rate-limiter-flexible's). */
export type RingLimit = { key: string; points: number; durationMs: number };
/**
 * The callee's call:incoming as an entry of the cluster's stream, published by
 * the store in the same step that places the call (server/signaling/
 * cluster-broadcast.ts); `deliverLocally` then hands it to this node's sockets.
 */
export type Announcement = { stream: string; maxLen: number; fields: string[]; deliverLocally: (offset: string) => void };

export type InviteRequest = {
  /** The new call's id (chosen by the service: its socket joins the call room first). */
  id: string;
  callerId: string;
  calleeId: string;
  kind: CallKind;
  caller: UserRef;
  callee: UserRef;
  now: Date;
  ringTimeoutMs: number;
  limit?: RingLimit;
  announce?: (call: StoredCall) => Announcement | undefined;
};

/**
 * What an invite became. `expired`: these users' rings whose time is over
 * (not counted as busy; the service closes them).
 */
export type InviteDecision =
  | { kind: "rang"; call: StoredCall; persisted: Promise<void>; announced: boolean; expired: string[] }
  | { kind: "glare"; callId: string; expired: string[] }
  | { kind: "caller_busy" | "callee_busy"; expired: string[] }
  | { kind: "rate_limited" };

export type { AcceptRefusal };
/** `ownRings`: the accepting user's own outgoing rings, which the service cancels (nobody is in two calls). */
export type AcceptDecision =
  | { kind: "accepted"; call: StoredCall; persisted: Promise<void>; ownRings: string[] }
  | { kind: "refused"; code: AcceptRefusal };

export interface CallStore {
  /** Resolves once the store can answer (live calls loaded). */
  readonly ready: Promise<void>;
  find(id: string): Promise<StoredCall | null>;
  /**
   * One atomic step: the ring limit (if given), then the busy rules
   * (server/call-domain/call-rules.ts#decideInvite), then the new ringing call (and
   * its announcement).
   */
  invite(r: InviteRequest): Promise<InviteDecision>;
  /** One atomic step: the callee's device moves a ringing call to active, unless server/call-domain/call-rules.ts#decideAccept refuses. */
  accept(callId: string, userId: string, now: Date): Promise<AcceptDecision>;
  /** A call that never rang (the callee was busy): written straight to history. */
  recordEnded(c: NewCall): Promise<{ call: StoredCall; persisted: Promise<void> }>;
  /** Conditional: only if the call is still in `from`. */
  transition(id: string, from: CallStatus, change: CallChange): Promise<Written>;
  expiredRinging(now: Date): Promise<string[]>;
  active(): Promise<{ id: string; callerId: string; calleeId: string }[]>;
  inActiveCalls(userIds: string[]): Promise<Set<string>>;
  /** A user's live calls that still matter (rings not past their time), newest first. */
  liveOf(userId: string, now: Date): Promise<StoredCall[]>;
  /** Run with every sweep (RedisCallStore: reload live calls if Redis lost them). */
  maintain?(): Promise<void>;
  /** Resolves once every database write queued so far has been made (or has failed): shutdown waits for it. */
  flush(): Promise<void>;
}

export function rowData(c: NewCall, id: string, createdAt: Date): CallRowInsert {
  return {
    id,
    createdAt,
    callerId: c.callerId,
    calleeId: c.calleeId,
    kind: c.kind,
    status: c.status,
    outcome: c.outcome ?? null,
    endReason: c.endReason ?? null,
    ringExpiresAt: c.ringExpiresAt,
    endedAt: c.endedAt ?? null,
  };
}

/** The call an invite places, before any store has it. */
export function newRinging(r: InviteRequest): { call: StoredCall; row: CallRowInsert } {
  const ringExpiresAt = new Date(r.now.getTime() + r.ringTimeoutMs);
  const n: NewCall = { callerId: r.callerId, calleeId: r.calleeId, kind: r.kind, status: "ringing", ringExpiresAt, caller: r.caller, callee: r.callee };
  const row = rowData(n, r.id, r.now);
  return { call: { ...toCallInfo({ ...row, answeredAt: null, caller: r.caller, callee: r.callee }), callerId: r.callerId, calleeId: r.calleeId }, row };
}

/** A call that never rang (the callee was busy), before it is written. */
export function newEnded(n: NewCall): { call: StoredCall; row: CallRowInsert } {
  const row = rowData(n, randomUUID(), new Date());
  return { call: { ...toCallInfo({ ...row, answeredAt: null, caller: n.caller, callee: n.callee }), callerId: n.callerId, calleeId: n.calleeId }, row };
}

/** An accept of a call the store does not hold live (ended, never made, or not this user's): its row tells which refusal. */
export async function refuseNotLive(db: Db, callId: string, userId: string): Promise<AcceptDecision> {
  return { kind: "refused", code: decideAcceptNotLive(await findCallParticipants(db, callId), userId) };
}

/** CallStore.liveOf's order: newest first. */
export const newestFirst = (a: StoredCall, b: StoredCall): number => b.createdAt.localeCompare(a.createdAt);
