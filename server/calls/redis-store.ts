// RedisCallStore: call state for several nodes (REDIS_URL). The live calls
// (ringing, active) are hashes in Redis, indexed per user, and every decision
// is one Lua script (./redis-scripts.ts), so it is atomic across nodes without locks:
//
// - INVITE: the ring limit, the busy rules (server/call-domain/call-rules.ts
//   #decideInvite, transcribed), the new ringing call and, in the same step, the callee's
//   call:incoming as an entry of the Socket.IO adapter's stream. A ring costs
//   one Redis round trip, after which every node holding a callee socket
//   delivers it (P5 in docs/performance.md).
// - ACCEPT: the callee's device moves a ringing call to active unless that
//   user is in another active call (call-rules.ts#decideAccept, transcribed).
// - TRANSITION: any other conditional move (`from` status must still hold).
//
// The database is the record, written behind each decision by the node that
// made it (server/calls/queries.ts#saveCall writes the whole row and never
// moves it back: two nodes' writes of one call may land in either order).
// Ended calls stay in Redis for a minute, then `find` reads the database.
// Live calls are loaded from the database when Redis has none loaded (first
// start of a cluster, or, at the next sweep, after Redis lost its data).
//
// Keys (one Redis server; scripts touch keys they read from sets, so this is
// not for Redis Cluster): <prefix>call:<id> (hash: ./redis-hash.ts), <prefix>live:<userId>
// (set of call ids), <prefix>ringing and <prefix>active (sorted sets by ring
// end and answer time), <prefix>loaded.
import type { Db } from "../db/client";
import type { RedisClient } from "../redis";
import type { CallStatus } from "../call-domain/state-machine";
import { stillLive } from "../call-domain/call-rules";
import { findCall, findLiveCalls, insertCall, saveCall, type CallRowSave } from "./queries";
import {
  newEnded,
  newestFirst,
  newRinging,
  refuseNotLive,
  type AcceptDecision,
  type AcceptRefusal,
  type CallChange,
  type CallStore,
  type InviteDecision,
  type InviteRequest,
  type NewCall,
  type StoredCall,
  type Written,
} from "./store";
import { done, logWriteError, WriteQueue } from "./write-queue";
import { toFields, toHash, toRow, toStored, type Hash } from "./redis-hash";
import { performance } from "node:perf_hooks";
import { getMetrics } from "../observability/metrics";

/** How long an ended call stays readable in Redis (its row is written by then). */
const ENDED_KEEP_MS = 60_000;

/** Ids read per ZSCAN step and per participants script call in active(). */
const ACTIVE_PAGE = 500;

/** Runs one of the call scripts, timing its round trip (dialtone_redis_script_seconds). */
async function run<T>(name: string, call: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await call();
  } finally {
    getMetrics().redisScripts.observe({ script: name }, (performance.now() - t0) / 1000);
  }
}

export class RedisCallStore implements CallStore {
  readonly ready: Promise<void>;
  private readonly writes: WriteQueue;

  constructor(
    private readonly db: Db,
    private readonly redis: RedisClient,
    private readonly prefix = "dialtone:calls:",
    onWriteError: (callId: string, err: unknown) => void = logWriteError,
  ) {
    this.writes = new WriteQueue(onWriteError);
    this.ready = this.load();
  }

  /** Every sweep: Redis that restarted empty gets the live calls back from the database. */
  maintain(): Promise<void> {
    return this.load();
  }

  /** The first node to find Redis without live calls loads them from the database. */
  private async load(): Promise<void> {
    const first = await this.redis.set(`${this.prefix}loaded`, new Date().toISOString(), { NX: true });
    if (first === null) return;
    for (const c of await findLiveCalls(this.db)) {
      const since = c.status === "ringing" ? Date.parse(c.ringExpiresAt) : c.answeredAt ? Date.parse(c.answeredAt) : 0;
      await run("load", () => this.redis.callLoad([this.prefix, c.id, c.callerId, c.calleeId, c.status, String(since), ...toFields(c)]));
    }
  }

  /** Queue the database write of a call's state as Redis now has it. */
  private save(h: Hash): Promise<void> {
    const row = toRow(h);
    return this.writes.push(row.id, () => saveCall(this.db, row));
  }

  async find(id: string): Promise<StoredCall | null> {
    const h = await this.redis.hGetAll(`${this.prefix}call:${id}`);
    if (h.id) return toStored(h);
    return findCall(this.db, id);
  }

  async invite(r: InviteRequest): Promise<InviteDecision> {
    const { call, row } = newRinging(r);
    const announcement = r.announce?.(call);
    const fields = toFields(call);
    const args = [
      this.prefix,
      r.callerId,
      r.calleeId,
      String(r.now.getTime()),
      r.limit?.key ?? "",
      String(r.limit?.points ?? 0),
      String(r.limit?.durationMs ?? 0),
      announcement?.stream ?? "",
      String(announcement?.maxLen ?? 0),
      call.id,
      String(row.ringExpiresAt.getTime()),
      String(fields.length),
      ...fields,
      ...(announcement?.fields ?? []),
    ];
    const [kind, arg, ...expired] = (await run("invite", () => this.redis.callInvite(args))) as string[];
    switch (kind) {
      case "rate_limited":
        return { kind: "rate_limited" };
      case "caller_busy":
      case "callee_busy":
        return { kind, expired };
      case "glare":
        return { kind, callId: arg!, expired };
      case "rang": {
        if (announcement && arg) announcement.deliverLocally(arg);
        // An upsert, like every write here: the accept (written by the callee's node) may land first.
        const ringing: CallRowSave = { ...row, answeredAt: null, endedById: null };
        const persisted = this.writes.push(call.id, () => saveCall(this.db, ringing));
        return { kind: "rang", call, persisted, announced: Boolean(announcement && arg), expired };
      }
      default:
        throw new Error(`[calls] unexpected invite reply ${String(kind)}`);
    }
  }

  async accept(callId: string, userId: string, now: Date): Promise<AcceptDecision> {
    const [kind, hash, rings] = (await run("accept", () => this.redis.callAccept([this.prefix, callId, userId, String(now.getTime())]))) as [string, unknown, string[]];
    if (kind === "accepted") {
      const h = toHash(hash);
      return { kind: "accepted", call: toStored(h), persisted: this.save(h), ownRings: rings };
    }
    if (kind === "missing") {
      // Not live in Redis: ended a while ago (or never made, or not this user's).
      return refuseNotLive(this.db, callId, userId);
    }
    return { kind: "refused", code: kind as AcceptRefusal };
  }

  async recordEnded(n: NewCall) {
    const { call, row } = newEnded(n);
    return { call, persisted: this.writes.push(call.id, () => insertCall(this.db, row)) };
  }

  async transition(id: string, from: CallStatus, change: CallChange): Promise<Written> {
    const pairs: string[] = ["status", change.status];
    if (change.outcome !== undefined) pairs.push("outcome", change.outcome ?? "");
    if (change.endReason !== undefined) pairs.push("endReason", change.endReason);
    if (change.endedById !== undefined) pairs.push("endedById", change.endedById ?? "");
    if (change.answeredAt) pairs.push("answeredAt", String(change.answeredAt.getTime()));
    if (change.endedAt) pairs.push("endedAt", String(change.endedAt.getTime()));
    const reply = await run("transition", () => this.redis.callTransition([this.prefix, id, from, String(ENDED_KEEP_MS), ...pairs]));
    if (!reply) return { won: false, persisted: done };
    return { won: true, persisted: this.save(toHash(reply)) };
  }

  flush(): Promise<void> {
    return this.writes.idle();
  }

  expiredRinging(now: Date): Promise<string[]> {
    return this.redis.zRangeByScore(`${this.prefix}ringing`, "-inf", now.getTime(), { LIMIT: { offset: 0, count: 500 } });
  }

  /**
   * Every active call with its participants. The sweep of abandoned calls
   * reads this, so it must be complete however many calls are active (it once
   * stopped at 500 and calls beyond were never swept): ZSCAN walks the whole
   * set with a cursor (an id present throughout is returned at least once;
   * duplicates are dropped), and the participants are read in batches.
   */
  async active() {
    const ids = new Set<string>();
    let cursor = "0";
    do {
      const page = await this.redis.zScan(`${this.prefix}active`, cursor, { COUNT: ACTIVE_PAGE });
      for (const m of page.members) ids.add(m.value);
      cursor = page.cursor;
    } while (cursor !== "0");
    const all = [...ids];
    const out: { id: string; callerId: string; calleeId: string }[] = [];
    for (let i = 0; i < all.length; i += ACTIVE_PAGE) {
      const batch = all.slice(i, i + ACTIVE_PAGE);
      const pairs = (await run("participants", () => this.redis.callParticipants([this.prefix, ...batch]))) as [string | null, string | null][];
      batch.forEach((id, j) => {
        const [callerId, calleeId] = pairs[j] ?? [];
        if (callerId && calleeId) out.push({ id, callerId, calleeId });
      });
    }
    return out;
  }

  private async liveCalls(userIds: string[]): Promise<StoredCall[][]> {
    if (userIds.length === 0) return [];
    const reply = (await run("live_of", () => this.redis.callLiveOf([this.prefix, ...userIds]))) as unknown[][];
    return reply.map((calls) => calls.map((h) => toStored(toHash(h))));
  }

  async inActiveCalls(userIds: string[]): Promise<Set<string>> {
    const calls = await this.liveCalls(userIds);
    return new Set(userIds.filter((_, i) => calls[i]?.some((c) => c.status === "active")));
  }

  async liveOf(userId: string, now: Date): Promise<StoredCall[]> {
    const [calls = []] = await this.liveCalls([userId]);
    return calls
      .filter((c) => stillLive({ status: c.status, ringExpires: Date.parse(c.ringExpiresAt) }, now.getTime()))
      .sort(newestFirst);
  }
}
