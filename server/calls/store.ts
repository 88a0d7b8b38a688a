// Where the call service reads and decides call state. Two implementations of
// one contract, chosen by topology (server/signaling/index.ts):
//
// - MemoryCallStore, one node (no REDIS_URL): this process is the only writer
//   of calls, so the live calls (ringing, active) are held in memory and every
//   decision (busy, glare, who won an accept) is made there, synchronously; the
//   database is written right after, per call in order. The service tells the
//   other party first and answers the actor once the write is done, so a ring
//   never waits for a query and a history read after an ack sees the row.
//   Live calls are loaded from the database at start (after a restart).
// - DatabaseCallStore, several nodes: the database decides. Every transition
//   is a conditional update (`UPDATE … WHERE status = 'ringing'`), so two nodes
//   cannot both win; the per-user Redis locks order invites and accepts.
//
// Either way `persisted` resolves once the database has the change.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import type { CallInfo, CallKind, UserRef } from "../call/protocol";
import type { CallOutcome, CallStatus } from "../call/state-machine";
import {
  activeCalls,
  callInclude,
  expiredRingingCalls,
  findCall,
  findCallParticipants,
  insertCall,
  liveCallsInvolving,
  liveCallsOf,
  toCallInfo,
  updateCallIf,
  usersInActiveCalls,
  type CallRowInsert,
  type StoredCall,
} from "./queries";

export type { StoredCall };
/** The fields an invite's busy checks need. */
export type LiveRef = { id: string; callerId: string; calleeId: string; status: CallStatus; ringExpiresAt: Date };
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
/** Extra conditions of a transition: accepted only by the callee, before the ring time ends. */
export type CallGuard = { calleeId?: string; ringExpiresAfter?: Date };
export type Written = { won: boolean; persisted: Promise<void> };

export interface CallStore {
  /** Resolves once the store can answer (the memory store has loaded live calls). */
  readonly ready: Promise<void>;
  /**
   * A new call may be announced before `find` can see it: the database store
   * writes the row while the invite still holds both users' locks, so an
   * actor who misses it looks again once those locks are free.
   */
  readonly announcedBeforeVisible: boolean;
  find(id: string): Promise<StoredCall | null>;
  participants(id: string): Promise<{ callerId: string; calleeId: string } | null>;
  /** Live calls (ringing, rings past their time included, or active) involving any of these users. */
  liveInvolving(userIds: string[]): Promise<LiveRef[]>;
  create(c: NewCall): Promise<{ call: StoredCall; persisted: Promise<void> }>;
  /** Conditional: only if the call is still in `from` (and the guard holds). */
  transition(id: string, from: CallStatus, change: CallChange, guard?: CallGuard): Promise<Written>;
  expiredRinging(now: Date): Promise<string[]>;
  active(): Promise<{ id: string; callerId: string; calleeId: string }[]>;
  inActiveCalls(userIds: string[]): Promise<Set<string>>;
  /** A user's live calls that still matter (rings not past their time), newest first. */
  liveOf(userId: string, now: Date): Promise<StoredCall[]>;
}

const done = Promise.resolve();

function rowData(c: NewCall, id: string, createdAt: Date): CallRowInsert {
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

export class DatabaseCallStore implements CallStore {
  readonly ready = done;
  readonly announcedBeforeVisible = true;
  constructor(private readonly db: Db) {}

  find(id: string) {
    return findCall(this.db, id);
  }

  participants(id: string) {
    return findCallParticipants(this.db, id);
  }

  liveInvolving(userIds: string[]): Promise<LiveRef[]> {
    return liveCallsInvolving(this.db, userIds);
  }

  async create(c: NewCall) {
    // Written while the caller is told and the callee rings: the invite holds
    // both users' locks until it is (CallService waits for `persisted`).
    const row = rowData(c, randomUUID(), new Date());
    const persisted = insertCall(this.db, row);
    const call = toCallInfo({ ...row, answeredAt: null, caller: c.caller, callee: c.callee });
    return { call: { ...call, callerId: c.callerId, calleeId: c.calleeId }, persisted };
  }

  async transition(id: string, from: CallStatus, change: CallChange, guard: CallGuard = {}): Promise<Written> {
    return { won: await updateCallIf(this.db, id, from, change, guard), persisted: done };
  }

  async expiredRinging(now: Date) {
    return (await expiredRingingCalls(this.db, now)).map((r) => r.id);
  }

  active() {
    return activeCalls(this.db);
  }

  inActiveCalls(userIds: string[]) {
    return usersInActiveCalls(this.db, userIds);
  }

  async liveOf(userId: string, now: Date) {
    const rows = await liveCallsOf(this.db, userId, now);
    return rows.map((r) => ({ ...toCallInfo(r), callerId: r.callerId, calleeId: r.calleeId }));
  }
}

type MemoryCall = StoredCall & { ringExpires: number };

export class MemoryCallStore implements CallStore {
  readonly ready: Promise<void>;
  readonly announcedBeforeVisible = false;
  /** Live calls, and ended ones until their end is written. */
  private readonly calls = new Map<string, MemoryCall>();
  /** userId → ids of that user's live calls. */
  private readonly byUser = new Map<string, Set<string>>();
  /** callId → the tail of that call's database writes (applied in order). */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly onWriteError: (callId: string, err: unknown) => void = (id, err) => console.error(`[calls] writing call ${id} failed`, err),
  ) {
    this.ready = this.load();
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

  /**
   * Queue a write for this call after its earlier ones; an ended call leaves
   * memory once its writes are done. The first write of a burst waits for
   * setImmediate: the sockets are told first (in this tick), the query runs
   * after.
   */
  private write(id: string, op: () => Promise<unknown>): Promise<void> {
    const start = this.writes.get(id) ?? new Promise<void>((resolve) => setImmediate(resolve));
    const mine = start.then(op).then(
      () => undefined,
      (err: unknown) => {
        this.onWriteError(id, err);
        throw err;
      },
    );
    const tail = mine.catch(() => undefined);
    this.writes.set(id, tail);
    void tail.then(() => {
      if (this.writes.get(id) !== tail) return;
      this.writes.delete(id);
      if (this.calls.get(id)?.status === "ended") this.calls.delete(id);
    });
    return mine;
  }

  private view(c: MemoryCall): StoredCall {
    const { ringExpires: _r, ...call } = c;
    return { ...call };
  }

  async find(id: string): Promise<StoredCall | null> {
    const c = this.calls.get(id);
    if (c) return this.view(c);
    // Ended and written (or never made): the database has the last word. A
    // live row this store does not hold was not made through it, and every
    // transition of it is refused (it is not in memory).
    return findCall(this.db, id);
  }

  async participants(id: string) {
    const c = this.calls.get(id);
    if (c) return { callerId: c.callerId, calleeId: c.calleeId };
    return findCallParticipants(this.db, id);
  }

  async liveInvolving(userIds: string[]): Promise<LiveRef[]> {
    const out: LiveRef[] = [];
    const seen = new Set<string>();
    for (const u of userIds) {
      for (const id of this.byUser.get(u) ?? []) {
        const c = this.calls.get(id);
        if (!c || seen.has(id)) continue;
        seen.add(id);
        out.push({ id, callerId: c.callerId, calleeId: c.calleeId, status: c.status, ringExpiresAt: new Date(c.ringExpires) });
      }
    }
    return out;
  }

  async create(n: NewCall) {
    const createdAt = new Date();
    const id = randomUUID();
    const c: MemoryCall = {
      id,
      kind: n.kind,
      status: n.status,
      outcome: n.outcome ?? null,
      caller: n.caller,
      callee: n.callee,
      createdAt: createdAt.toISOString(),
      ringExpiresAt: n.ringExpiresAt.toISOString(),
      answeredAt: null,
      endedAt: n.endedAt?.toISOString() ?? null,
      callerId: n.callerId,
      calleeId: n.calleeId,
      ringExpires: n.ringExpiresAt.getTime(),
    };
    this.add(c);
    const persisted = this.write(id, () => insertCall(this.db, rowData(n, id, createdAt)));
    return { call: this.view(c), persisted };
  }

  async transition(id: string, from: CallStatus, change: CallChange, guard: CallGuard = {}): Promise<Written> {
    const c = this.calls.get(id);
    if (!c || c.status !== from) return { won: false, persisted: done };
    if (guard.calleeId !== undefined && c.calleeId !== guard.calleeId) return { won: false, persisted: done };
    if (guard.ringExpiresAfter && !(c.ringExpires > guard.ringExpiresAfter.getTime())) return { won: false, persisted: done };
    c.status = change.status;
    if (change.outcome !== undefined) c.outcome = change.outcome;
    if (change.answeredAt) c.answeredAt = change.answeredAt.toISOString();
    if (change.endedAt) c.endedAt = change.endedAt.toISOString();
    if (c.status === "ended") this.unindex(c);
    const persisted = this.write(id, async () => {
      // Memory decided; the row follows. It can only differ if something else wrote it.
      if (!(await updateCallIf(this.db, id, from, change))) console.warn(`[calls] call ${id} was not "${from}" in the database; left as it was`);
    });
    return { won: true, persisted };
  }

  async expiredRinging(now: Date): Promise<string[]> {
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
    for (const u of userIds) {
      for (const id of this.byUser.get(u) ?? []) {
        const c = this.calls.get(id);
        if (c?.status === "active") {
          out.add(u);
          break;
        }
      }
    }
    return out;
  }

  async liveOf(userId: string, now: Date): Promise<StoredCall[]> {
    const out: MemoryCall[] = [];
    for (const id of this.byUser.get(userId) ?? []) {
      const c = this.calls.get(id);
      if (c && (c.status === "active" || (c.status === "ringing" && c.ringExpires > now.getTime()))) out.push(c);
    }
    out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return out.map((c) => this.view(c));
  }
}
