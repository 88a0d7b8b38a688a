// Where the call service reads and decides call state. Two implementations of
// one contract, chosen by topology (server/signaling/index.ts):
//
// - MemoryCallStore, one node (no REDIS_URL): this process is the only writer
//   of calls, so the live calls (ringing, active) are held in memory and every
//   decision (busy, glare, who won an accept) is one synchronous step there.
// - RedisCallStore (server/calls/redis-store.ts), several nodes: the live calls
//   are in Redis and every decision is one Lua script, atomic across nodes.
//
// Either way the database is the record, written right after the decision
// (per call, in order): the service tells the other party first and answers
// the actor once `persisted` resolves, so a ring never waits for a query and a
// history read after an ack sees the row. An invite or an accept is decided in
// one step (`invite`, `accept`), so no locks are needed around them.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import type { CallInfo, CallKind, UserRef } from "../protocol/events";
import type { CallOutcome, CallStatus } from "../call-domain/state-machine";
import { decideAccept, decideInvite, ownRingsOnAccept, type AcceptRefusal } from "../call-domain/call-rules";
import { callInclude, findCall, findCallParticipants, insertCall, toCallInfo, updateCallIf, type CallRowInsert, type StoredCall } from "./queries";
import { performance } from "node:perf_hooks";
import { getMetrics } from "../observability/metrics";
import { getLog } from "../observability/log";

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

export const done = Promise.resolve();

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

/**
 * Each call's database writes, in order, behind the decisions: the first of a
 * burst waits for setImmediate (the sockets are told first, in this tick, the
 * query runs after). `drained` is called when a call has no write left.
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly onError: (callId: string, err: unknown) => void,
    private readonly drained: (callId: string) => void = () => undefined,
  ) {}

  push(id: string, op: () => Promise<unknown>): Promise<void> {
    const queued = performance.now();
    const start = this.tails.get(id) ?? new Promise<void>((resolve) => setImmediate(resolve));
    const mine = start.then(op).then(
      () => void getMetrics().dbWrites.observe((performance.now() - queued) / 1000),
      (err: unknown) => {
        this.onError(id, err);
        throw err;
      },
    );
    const tail = mine.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) !== tail) return;
      this.tails.delete(id);
      this.drained(id);
    });
    return mine;
  }

  /**
   * Resolves when every write queued so far has settled. Writes queued
   * meanwhile (a write's follow-up) are waited for too.
   */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

export const logWriteError = (id: string, err: unknown) => getLog().error({ event: "calls.write_failed", callId: id, err }, "writing a call row failed");

type MemoryCall = StoredCall & { ringExpires: number };

export class MemoryCallStore implements CallStore {
  readonly ready: Promise<void>;
  /** Live calls, and ended ones until their end is written. */
  private readonly calls = new Map<string, MemoryCall>();
  /** userId → ids of that user's live calls. */
  private readonly byUser = new Map<string, Set<string>>();
  /** Ring limit windows (RingLimit.key → points used, window end): rate-limiter-flexible's fixed window, kept here. */
  private readonly ringWindows = new Map<string, { used: number; endsAt: number }>();
  private readonly writes: WriteQueue;

  constructor(
    private readonly db: Db,
    onWriteError: (callId: string, err: unknown) => void = logWriteError,
  ) {
    // An ended call leaves memory once its writes are done.
    this.writes = new WriteQueue(onWriteError, (id) => {
      if (this.calls.get(id)?.status === "ended") this.calls.delete(id);
    });
    this.ready = this.load();
  }

  flush(): Promise<void> {
    return this.writes.idle();
  }

  private async load(): Promise<void> {
    const rows = await this.db.call.findMany({ where: { status: { in: ["ringing", "active"] } }, include: callInclude });
    for (const r of rows) this.add({ ...toCallInfo(r), callerId: r.callerId, calleeId: r.calleeId, ringExpires: r.ringExpiresAt.getTime() });
  }

  private add(c: MemoryCall): void {
    this.calls.set(c.id, c);
    if (c.status === "ended") return;
    for (const u of [c.callerId, c.calleeId]) {
      let set = this.byUser.get(u);
      if (!set) this.byUser.set(u, (set = new Set()));
      set.add(c.id);
    }
  }

  private unindex(c: MemoryCall): void {
    for (const u of [c.callerId, c.calleeId]) {
      const set = this.byUser.get(u);
      set?.delete(c.id);
      if (set?.size === 0) this.byUser.delete(u);
    }
  }

  private view(c: MemoryCall): StoredCall {
    const { ringExpires: _r, ...call } = c;
    return { ...call };
  }

  /** The live calls of these users (each once). */
  private liveOfUsers(userIds: string[]): MemoryCall[] {
    const out = new Set<MemoryCall>();
    for (const u of userIds) {
      for (const id of this.byUser.get(u) ?? []) {
        const c = this.calls.get(id);
        if (c) out.add(c);
      }
    }
    return [...out];
  }

  async find(id: string): Promise<StoredCall | null> {
    const c = this.calls.get(id);
    if (c) return this.view(c);
    // Ended and written (or never made): the database has the last word. A
    // live row this store does not hold was not made through it, and every
    // transition of it is refused (it is not in memory).
    return findCall(this.db, id);
  }

  async invite(r: InviteRequest): Promise<InviteDecision> {
    // Synchronous from here to the end: nothing can interleave.
    const now = r.now.getTime();
    // The ring limit first, as RedisCallStore's script does: a refused invite
    // (busy, glare) still used its point.
    if (r.limit && this.overLimit(r.limit, now)) return { kind: "rate_limited" };
    const live = this.liveOfUsers([r.callerId, r.calleeId]);
    const expired = live.filter((c) => c.status === "ringing" && c.ringExpires <= now);
    const current = live.filter((c) => !expired.includes(c));
    const expiredIds = expired.map((c) => c.id);
    const verdict = decideInvite(current, r.callerId, r.calleeId);
    if (verdict) return { ...verdict, expired: expiredIds };
    const { call, row } = newRinging(r);
    this.add({ ...call, ringExpires: row.ringExpiresAt.getTime() });
    const persisted = this.writes.push(call.id, () => insertCall(this.db, row));
    return { kind: "rang", call, persisted, announced: false, expired: expiredIds };
  }

  /** Counts one point in the limit's window (one starts with the first point); true past `points`. */
  private overLimit(limit: RingLimit, now: number): boolean {
    let w = this.ringWindows.get(limit.key);
    if (!w || w.endsAt <= now) this.ringWindows.set(limit.key, (w = { used: 0, endsAt: now + limit.durationMs }));
    return ++w.used > limit.points;
  }

  async accept(callId: string, userId: string, now: Date): Promise<AcceptDecision> {
    const c = this.calls.get(callId);
    if (!c) {
      // Not live here: ended (or never made, or not this user's).
      const p = await findCallParticipants(this.db, callId);
      return { kind: "refused", code: p && (p.callerId === userId || p.calleeId === userId) ? "invalid_state" : "not_found" };
    }
    const mine = this.liveOfUsers([userId]);
    const refused = decideAccept(c, mine, userId, now.getTime());
    if (refused) return { kind: "refused", code: refused };
    const change: CallChange = { status: "active", answeredAt: now };
    c.status = "active";
    c.answeredAt = now.toISOString();
    const ownRings = ownRingsOnAccept(mine, userId, callId);
    const persisted = this.writes.push(callId, () => this.update(callId, "ringing", change));
    return { kind: "accepted", call: this.view(c), persisted, ownRings };
  }

  async recordEnded(n: NewCall) {
    const { call, row } = newEnded(n);
    this.add({ ...call, ringExpires: row.ringExpiresAt.getTime() });
    const persisted = this.writes.push(call.id, () => insertCall(this.db, row));
    return { call, persisted };
  }

  async transition(id: string, from: CallStatus, change: CallChange): Promise<Written> {
    const c = this.calls.get(id);
    if (!c || c.status !== from) return { won: false, persisted: done };
    c.status = change.status;
    if (change.outcome !== undefined) c.outcome = change.outcome;
    if (change.answeredAt) c.answeredAt = change.answeredAt.toISOString();
    if (change.endedAt) c.endedAt = change.endedAt.toISOString();
    if (c.status === "ended") this.unindex(c);
    return { won: true, persisted: this.writes.push(id, () => this.update(id, from, change)) };
  }

  /** Memory decided; the row follows. It can only differ if something else wrote it. */
  private async update(id: string, from: CallStatus, change: CallChange): Promise<void> {
    if (!(await updateCallIf(this.db, id, from, change))) getLog().warn({ event: "calls.row_moved_on", callId: id, expected: from }, "the call's row had moved on in the database; left as it was");
  }

  async expiredRinging(now: Date): Promise<string[]> {
    // Every sweep: windows that ended are forgotten.
    for (const [key, w] of this.ringWindows) if (w.endsAt <= now.getTime()) this.ringWindows.delete(key);
    const out: string[] = [];
    for (const c of this.calls.values()) if (c.status === "ringing" && c.ringExpires <= now.getTime()) out.push(c.id);
    return out;
  }

  async active() {
    const out: { id: string; callerId: string; calleeId: string; answered: string }[] = [];
    for (const c of this.calls.values()) if (c.status === "active") out.push({ id: c.id, callerId: c.callerId, calleeId: c.calleeId, answered: c.answeredAt ?? "" });
    out.sort((a, b) => a.answered.localeCompare(b.answered));
    return out.map(({ answered: _a, ...r }) => r);
  }

  async inActiveCalls(userIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const u of userIds) if (this.liveOfUsers([u]).some((c) => c.status === "active")) out.add(u);
    return out;
  }

  async liveOf(userId: string, now: Date): Promise<StoredCall[]> {
    const out = this.liveOfUsers([userId]).filter((c) => c.status === "active" || (c.status === "ringing" && c.ringExpires > now.getTime()));
    out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return out.map((c) => this.view(c));
  }
}
