// MemoryCallStore: call state for one node (no REDIS_URL). This process is the
// only writer of calls, so the live calls (ringing, active) are held in
// memory and every decision (server/call-domain/call-rules.ts) is one
// synchronous step; the row is written right behind it (./write-queue.ts).
// The contract is server/calls/store.ts#CallStore.
import type { Db } from "../db/client";
import type { CallStatus } from "../call-domain/state-machine";
import { decideAccept, decideInvite, ownRingsOnAccept, stillLive } from "../call-domain/call-rules";
import { findCall, findLiveCalls, insertCall, updateCallIf } from "./queries";
import { getLog } from "../observability/log";
import { newEnded, newestFirst, newRinging, refuseNotLive, type AcceptDecision, type CallChange, type CallStore, type InviteDecision, type InviteRequest, type NewCall, type RingLimit, type StoredCall, type Written } from "./store";
import { done, logWriteError, WriteQueue } from "./write-queue";

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
    for (const c of await findLiveCalls(this.db)) this.add({ ...c, ringExpires: Date.parse(c.ringExpiresAt) });
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
      return refuseNotLive(this.db, callId, userId);
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
    const out = this.liveOfUsers([userId]).filter((c) => stillLive(c, now.getTime()));
    out.sort(newestFirst);
    return out.map((c) => this.view(c));
  }
}
