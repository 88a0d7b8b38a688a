// The Lua scripts of RedisCallStore (./redis-store.ts), each one atomic step
// of the call state in Redis. INVITE and ACCEPT are the one transcription of
// server/call-domain/call-rules.ts (decideInvite, decideAccept) into Lua, needed for
// atomicity across nodes; tests/integration/call-rules.test.ts runs the same
// table of cases against them and against MemoryCallStore.
//
// Defined with node-redis' defineScript and registered on the client
// (server/redis.ts#connectRedis): the client runs them with EVALSHA and, when
// Redis does not have one (first use, or after a restart), with EVAL.
// The scripts take no KEYS: they read keys from sets (a user's live calls),
// so this is for one Redis server, not Redis Cluster.
import { defineScript } from "redis";
import type { CommandParser } from "redis";

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

/** A script taking its arguments as ARGV (no KEYS) and answering Redis' reply as it is. */
const script = (SCRIPT: string) =>
  defineScript({
    SCRIPT,
    NUMBER_OF_KEYS: 0,
    parseCommand(parser: CommandParser, args: string[]) {
      parser.push(...args);
    },
    transformReply: (reply: unknown) => reply,
  });

/** Registered on every Redis client (server/redis.ts): `client.callInvite(args)`, … */
export const CALL_SCRIPTS = {
  callInvite: script(INVITE),
  callAccept: script(ACCEPT),
  callTransition: script(TRANSITION),
  callLiveOf: script(LIVE_OF),
  callParticipants: script(PARTICIPANTS),
  callLoad: script(LOAD),
};
