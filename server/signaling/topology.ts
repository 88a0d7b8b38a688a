// One node or several: everything the signaling does differently when nodes
// share the load (REDIS_URL). The adapter between the nodes' sockets, where
// call state is decided (server/calls/memory-store.ts, or
// server/calls/redis-store.ts), where the ring limit is counted, whether the
// callee's ring is published with the invite's decision
// (./cluster-broadcast.ts), the users' message budgets across nodes
// (./cluster-budget.ts) and the nodes' comings and goings (./observed.ts).
import type { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { RedisClient } from "../redis";
import type { Db } from "../db/client";
import { consume, type Limits } from "../rate-limits";
import type { RingAdmission } from "../calls/service";
import type { Announcer, SignalingNamespace } from "../calls/namespace";
import type { CallStore } from "../calls/store";
import { MemoryCallStore } from "../calls/memory-store";
import { RedisCallStore } from "../calls/redis-store";
import type { Log } from "../observability/log";
import { clusterAnnouncer } from "./cluster-broadcast";
import { RecoveryAdapter } from "./recovery-adapter";
import { holdingRecoveredState } from "./recovery-guard";
import type { UserBudgets } from "./user-budget";
import { syncBudgetsAcrossNodes } from "./cluster-budget";
import { announceNode } from "./observed";

const STREAM = "dialtone:socket.io";
const STREAM_MAX_LEN = 10_000;

/** The adapter between the sockets of every node (one node: in memory), behind the recovery guard (./recovery-guard.ts). */
export function attachAdapter(io: Server, redis: RedisClient | undefined): void {
  if (!redis) {
    io.adapter(holdingRecoveredState(RecoveryAdapter));
  } else {
    // Redis Streams adapter: rooms and broadcasts span every node; it also
    // supports Socket.IO's connection-state recovery.
    io.adapter(holdingRecoveredState(
      createAdapter(redis, {
        streamName: STREAM,
        maxLen: STREAM_MAX_LEN,
        onlyPlaintext: true,
        // A node that died is dropped from cross-node requests (fetchSockets) after 6 s.
        heartbeatInterval: 2_000,
        heartbeatTimeout: 6_000,
      }),
    ));
  }
}

export type TopologyOptions = {
  db: Db;
  /** Set when several nodes share the load: the adapter between them and the per-user locks. */
  redis?: RedisClient;
  /** Where call state is decided (server/signaling/index.ts#SignalingOptions). */
  callState?: { redis: RedisClient; prefix?: string };
  limits: Limits;
};

export type Topology = {
  /** Several nodes share the load: what happens on this one is told to the others. */
  several: boolean;
  store: CallStore;
  /** How an invite is rate limited: by the store, in its decision, or apart. */
  ringAdmission: (userId: string) => RingAdmission;
  /** Publishes the callee's ring with the invite's decision, when the call state is in the adapter's Redis. */
  announce: Announcer | undefined;
  /** Shares the users' message budgets with the other nodes; returns the stop. */
  shareBudgets: (budgets: UserBudgets) => () => void;
  /** Says that this node joined (now); returns how it says it is leaving. */
  announceNode: (log: Log) => (() => void) | undefined;
};

export function topology(nsp: SignalingNamespace, o: TopologyOptions): Topology {
  const stateRedis = o.callState ?? (o.redis ? { redis: o.redis } : undefined);
  const store: CallStore = stateRedis ? new RedisCallStore(o.db, stateRedis.redis, stateRedis.prefix) : new MemoryCallStore(o.db);
  // The ring limit is checked inside the invite's decision: with the call
  // state in the same Redis as a shared limit, one round trip for both (on
  // rate-limiter-flexible's keys); on one node, a counter in the memory store
  // (the limiter's fixed window, without a promise and a timer per ring).
  const ringLimit = o.limits.ring;
  const limitInStore = stateRedis
    ? ringLimit instanceof RateLimiterRedis && stateRedis.redis === o.redis
    : ringLimit instanceof RateLimiterMemory;
  const ringAdmission = (userId: string): RingAdmission =>
    limitInStore ? { limit: { key: ringLimit.getKey(userId), points: ringLimit.points, durationMs: ringLimit.duration * 1000 } } : { admitted: consume(ringLimit, userId) };
  const { redis } = o;
  return {
    several: Boolean(redis),
    store,
    ringAdmission,
    announce: redis && stateRedis?.redis === redis ? clusterAnnouncer(nsp, STREAM, STREAM_MAX_LEN) : undefined,
    shareBudgets: (budgets) => (redis ? syncBudgetsAcrossNodes(budgets, redis, { perSecond: o.limits.userMessages.perSecond }) : () => undefined),
    // Nodes say when they come and go, for the others' logs.
    announceNode: (log) => (redis ? announceNode(nsp, log) : undefined),
  };
}
