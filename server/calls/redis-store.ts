// RedisCallStore: call state for several nodes (REDIS_URL). The live calls
// (ringing, active) are hashes in Redis, indexed per user, and every decision
// is one Lua script, so it is atomic across nodes without locks:
//
// - INVITE: the ring limit, the busy rules (the same as decideInvite in
//   store.ts), the new ringing call and, in the same step, the callee's
//   call:incoming as an entry of the Socket.IO adapter's stream. A ring costs
//   one Redis round trip, after which every node holding a callee socket
//   delivers it (P5 in docs/performance.md).
// - ACCEPT: the callee's device moves a ringing call to active unless that
//   user is in another active call (refuseAccept in store.ts).
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
// not for Redis Cluster): <prefix>call:<id> (hash), <prefix>live:<userId>
// (set of call ids), <prefix>ringing and <prefix>active (sorted sets by ring
// end and answer time), <prefix>loaded.
import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import type { RedisClient } from "../redis";
import type { CallKind } from "../call/protocol";
import type { CallOutcome, CallStatus } from "../call/state-machine";
import { callInclude, findCall, findCallParticipants, insertCall, saveCall, toCallInfo, type CallRowSave } from "./queries";
import {
  done,
  logWriteError,
  newEnded,
  newRinging,
  WriteQueue,
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
import { performance } from "node:perf_hooks";
import { getMetrics } from "../observability/metrics";

/** How long an ended call stays readable in Redis (its row is written by then). */
const ENDED_KEEP_MS = 60_000;

const COMMON = `
local P = ARGV[1]
local function callKey(id) return P .. 'call:' .. id end
local function liveKey(u) return P .. 'live:' .. u end
-- A user's live calls; ids whose call is gone or ended are dropped from the set.
local function liveOf(u)
  local out = {}
  for _, id in ipairs(redis.call('smembers', liveKey(u))) do
    local h = redis.call('hmget', callKey(id), 'status', 'callerId', 'calleeId', 'ringExpires')
    if h[1] and h[1] ~= 'ended' then
      out[#out + 1] = { id = id, status = h[1], callerId = h[2], calleeId = h[3], ringExpires = tonumber(h[4]) }
    else
      redis.call('srem', liveKey(u), id)
    end
  end
  return out
end
`;

// ARGV: prefix, callerId, calleeId, now, limitKey ('' = none), limitPoints,
// limitMs, stream ('' = none), maxLen, id, ringExpires, #fields, fields…,
// stream entry fields…
// Reply: { kind, arg, expired ids… }.
const INVITE = `${COMMON}
local callerId, calleeId, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
if ARGV[5] ~= '' then
  -- rate-limiter-flexible's fixed window, on its key: points used, expiring with the window.
  local used = redis.call('incr', ARGV[5])
  if redis.call('pttl', ARGV[5]) < 0 then redis.call('pexpire', ARGV[5], ARGV[7]) end
  if used > tonumber(ARGV[6]) then return { 'rate_limited', '' } end
end
local seen, live, expired = {}, {}, {}
for _, u in ipairs({ callerId, calleeId }) do
  for _, c in ipairs(liveOf(u)) do
    if not seen[c.id] then
      seen[c.id] = true
      if c.status == 'ringing' and c.ringExpires <= now then expired[#expired + 1] = c.id else live[#live + 1] = c end
    end
  end
end
local function reply(kind, arg)
  local r = { kind, arg or '' }
  for _, id in ipairs(expired) do r[#r + 1] = id end
  return r
end
local function involves(c, u) return c.callerId == u or c.calleeId == u end
for _, c in ipairs(live) do
  if (c.status == 'active' and involves(c, callerId)) or (c.status == 'ringing' and c.callerId == callerId) then return reply('caller_busy') end
end
for _, c in ipairs(live) do
  if c.status == 'ringing' and c.callerId == calleeId and c.calleeId == callerId then return reply('glare', c.id) end
end
for _, c in ipairs(live) do
  if involves(c, calleeId) then return reply('callee_busy') end
end
local id, n = ARGV[10], tonumber(ARGV[12])
local fields = {}
for i = 13, 12 + n do fields[#fields + 1] = ARGV[i] end
redis.call('hset', callKey(id), unpack(fields))
redis.call('sadd', liveKey(callerId), id)
redis.call('sadd', liveKey(calleeId), id)
redis.call('zadd', P .. 'ringing', ARGV[11], id)
local offset = ''
if ARGV[8] ~= '' then
  local entry = {}
  for i = 13 + n, #ARGV do entry[#entry + 1] = ARGV[i] end
  offset = redis.call('xadd', ARGV[8], 'MAXLEN', '~', ARGV[9], '*', unpack(entry))
end
return reply('rang', offset)
`;

// ARGV: prefix, callId, userId, now. Reply: { 'accepted', hash, own rings } or { refusal }.
const ACCEPT = `${COMMON}
local id, userId, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local h = redis.call('hmget', callKey(id), 'status', 'callerId', 'calleeId', 'ringExpires')
if not h[1] then return { 'missing' } end
if h[2] ~= userId and h[3] ~= userId then return { 'not_found' } end
local mine = liveOf(userId)
for _, c in ipairs(mine) do
  if c.status == 'active' and c.id ~= id then return { 'caller_busy' } end
end
if h[3] ~= userId then return { 'invalid_state' } end
if h[1] == 'active' then return { 'answered_elsewhere' } end
if h[1] ~= 'ringing' then return { 'invalid_state' } end
if tonumber(h[4]) <= now then return { 'ring_over' } end
redis.call('hset', callKey(id), 'status', 'active', 'answeredAt', ARGV[4])
redis.call('zrem', P .. 'ringing', id)
redis.call('zadd', P .. 'active', ARGV[4], id)
local rings = {}
for _, c in ipairs(mine) do
  if c.status == 'ringing' and c.callerId == userId and c.id ~= id then rings[#rings + 1] = c.id end
end
return { 'accepted', redis.call('hgetall', callKey(id)), rings }
`;

// ARGV: prefix, callId, from, keepMs, field/value pairs. Reply: the hash after, or nil.
const TRANSITION = `${COMMON}
local id = ARGV[2]
local key = callKey(id)
if redis.call('hget', key, 'status') ~= ARGV[3] then return nil end
local change = {}
for i = 5, #ARGV do change[#change + 1] = ARGV[i] end
redis.call('hset', key, unpack(change))
local h = redis.call('hmget', key, 'status', 'callerId', 'calleeId', 'answeredAt')
redis.call('zrem', P .. 'ringing', id)
if h[1] == 'ended' then
  redis.call('zrem', P .. 'active', id)
  redis.call('srem', liveKey(h[2]), id)
  redis.call('srem', liveKey(h[3]), id)
  redis.call('pexpire', key, ARGV[4])
elseif h[1] == 'active' then
  redis.call('zadd', P .. 'active', h[4], id)
end
return redis.call('hgetall', key)
`;

// ARGV: prefix, userIds…. Reply: for each user, the hashes of their live calls.
const LIVE_OF = `${COMMON}
local out = {}
for i = 2, #ARGV do
  local calls = {}
  for _, c in ipairs(liveOf(ARGV[i])) do calls[#calls + 1] = redis.call('hgetall', callKey(c.id)) end
  out[#out + 1] = calls
end
return out
`;

// ARGV: prefix, ids…. Reply: for each id, { callerId, calleeId } (false when gone).
const PARTICIPANTS = `${COMMON}
local out = {}
for i = 2, #ARGV do out[#out + 1] = redis.call('hmget', callKey(ARGV[i]), 'callerId', 'calleeId') end
return out
`;

// ARGV: prefix, id, callerId, calleeId, status, score, fields…. A call Redis
// already has (placed since, in a newer state than its row) is left as it is.
const LOAD = `${COMMON}
local id = ARGV[2]
if redis.call('exists', callKey(id)) == 1 then return 0 end
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('hset', callKey(id), unpack(fields))
redis.call('sadd', liveKey(ARGV[3]), id)
redis.call('sadd', liveKey(ARGV[4]), id)
redis.call('zadd', P .. (ARGV[5] == 'ringing' and 'ringing' or 'active'), ARGV[6], id)
return 1
`;

/** A script run by its SHA1 (loaded on first use, or after a Redis restart). */
class Script {
  private readonly sha: string;
  constructor(
    private readonly name: string,
    private readonly source: string,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }
  async run(redis: RedisClient, args: string[]): Promise<unknown> {
    const t0 = performance.now();
    try {
      return await redis.evalSha(this.sha, { arguments: args });
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
      return await redis.eval(this.source, { arguments: args });
    } finally {
      getMetrics().redisScripts.observe({ script: this.name }, (performance.now() - t0) / 1000);
    }
  }
}

/** Ids read per ZSCAN step and per participants script call in active(). */
const ACTIVE_PAGE = 500;

const scripts = {
  invite: new Script("invite", INVITE),
  accept: new Script("accept", ACCEPT),
  transition: new Script("transition", TRANSITION),
  liveOf: new Script("live_of", LIVE_OF),
  participants: new Script("participants", PARTICIPANTS),
  load: new Script("load", LOAD),
};

type Hash = Record<string, string>;

/** A flat [field, value, …] reply (HGETALL inside a script) as an object. */
function toHash(reply: unknown): Hash {
  const h: Hash = {};
  if (!Array.isArray(reply)) return h;
  for (let i = 0; i + 1 < reply.length; i += 2) h[String(reply[i])] = String(reply[i + 1]);
  return h;
}

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
const date = (ms: string | undefined) => (ms ? new Date(Number(ms)) : null);

function toStored(h: Hash): StoredCall {
  return {
    id: h.id!,
    kind: h.kind as CallKind,
    status: h.status as CallStatus,
    outcome: (h.outcome || null) as CallOutcome | null,
    caller: { id: h.callerId!, name: h.callerName ?? "" },
    callee: { id: h.calleeId!, name: h.calleeName ?? "" },
    createdAt: iso(h.createdAt)!,
    ringExpiresAt: iso(h.ringExpires)!,
    answeredAt: iso(h.answeredAt),
    endedAt: iso(h.endedAt),
    callerId: h.callerId!,
    calleeId: h.calleeId!,
  };
}

function toRow(h: Hash): CallRowSave {
  return {
    id: h.id!,
    createdAt: date(h.createdAt)!,
    callerId: h.callerId!,
    calleeId: h.calleeId!,
    kind: h.kind as CallKind,
    status: h.status as CallStatus,
    outcome: (h.outcome || null) as CallOutcome | null,
    endReason: h.endReason || null,
    endedById: h.endedById || null,
    ringExpiresAt: date(h.ringExpires)!,
    answeredAt: date(h.answeredAt),
    endedAt: date(h.endedAt),
  };
}

/** A call as hash fields (absent values as empty strings). */
function toFields(c: StoredCall, extra: { endReason?: string | null; endedById?: string | null } = {}): string[] {
  const ms = (iso: string | null) => (iso ? String(Date.parse(iso)) : "");
  return [
    "id", c.id,
    "kind", c.kind,
    "status", c.status,
    "outcome", c.outcome ?? "",
    "endReason", extra.endReason ?? "",
    "endedById", extra.endedById ?? "",
    "callerId", c.callerId,
    "calleeId", c.calleeId,
    "callerName", c.caller.name,
    "calleeName", c.callee.name,
    "createdAt", ms(c.createdAt),
    "ringExpires", ms(c.ringExpiresAt),
    "answeredAt", ms(c.answeredAt),
    "endedAt", ms(c.endedAt),
  ]; // prettier-ignore
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
    const rows = await this.db.call.findMany({ where: { status: { in: ["ringing", "active"] } }, include: callInclude });
    for (const r of rows) {
      const c: StoredCall = { ...toCallInfo(r), callerId: r.callerId, calleeId: r.calleeId };
      const since = c.status === "ringing" ? r.ringExpiresAt.getTime() : (r.answeredAt?.getTime() ?? 0);
      await scripts.load.run(this.redis, [this.prefix, c.id, c.callerId, c.calleeId, c.status, String(since), ...toFields(c)]);
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

  async participants(id: string) {
    const [pair] = (await scripts.participants.run(this.redis, [this.prefix, id])) as [[string | null, string | null]];
    if (pair?.[0] && pair[1]) return { callerId: pair[0], calleeId: pair[1] };
    return findCallParticipants(this.db, id);
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
    const [kind, arg, ...expired] = (await scripts.invite.run(this.redis, args)) as string[];
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
    const [kind, hash, rings] = (await scripts.accept.run(this.redis, [this.prefix, callId, userId, String(now.getTime())])) as [string, unknown, string[]];
    if (kind === "accepted") {
      const h = toHash(hash);
      return { kind: "accepted", call: toStored(h), persisted: this.save(h), ownRings: rings };
    }
    if (kind === "missing") {
      // Not live in Redis: ended a while ago (or never made, or not this user's).
      const p = await findCallParticipants(this.db, callId);
      return { kind: "refused", code: p && (p.callerId === userId || p.calleeId === userId) ? "invalid_state" : "not_found" };
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
    const reply = await scripts.transition.run(this.redis, [this.prefix, id, from, String(ENDED_KEEP_MS), ...pairs]);
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
      const pairs = (await scripts.participants.run(this.redis, [this.prefix, ...batch])) as [string | null, string | null][];
      batch.forEach((id, j) => {
        const [callerId, calleeId] = pairs[j] ?? [];
        if (callerId && calleeId) out.push({ id, callerId, calleeId });
      });
    }
    return out;
  }

  private async liveCalls(userIds: string[]): Promise<StoredCall[][]> {
    if (userIds.length === 0) return [];
    const reply = (await scripts.liveOf.run(this.redis, [this.prefix, ...userIds])) as unknown[][];
    return reply.map((calls) => calls.map((h) => toStored(toHash(h))));
  }

  async inActiveCalls(userIds: string[]): Promise<Set<string>> {
    const calls = await this.liveCalls(userIds);
    return new Set(userIds.filter((_, i) => calls[i]?.some((c) => c.status === "active")));
  }

  async liveOf(userId: string, now: Date): Promise<StoredCall[]> {
    const [calls = []] = await this.liveCalls([userId]);
    return calls
      .filter((c) => c.status === "active" || (c.status === "ringing" && Date.parse(c.ringExpiresAt) > now.getTime()))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
