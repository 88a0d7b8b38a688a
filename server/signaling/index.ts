// The /signaling namespace, composed: the Socket.IO server, one node or
// several (./topology.ts: the adapter, where call state is decided), who may
// connect (./handshake.ts), what a socket may say (./handlers.ts: parse (zod)
// → authorise → call service → ack; nothing is relayed unless the sending
// socket is a member of that call's room), presence (./presence.ts) and the
// server's own events (./realtime-events.ts).
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { RedisClient } from "../redis";
import type { TrustProxy } from "../http/client-ip";
import type { Db } from "../db/client";
import { LIMITS, type IceServer } from "../protocol/events";
import type { Limits } from "../rate-limits";
import { getSessionChecker } from "../auth/sessions";
import { ContactDirectory } from "../contacts/directory";
import { CallService } from "../calls/service";
import type { SignalingNamespace } from "../calls/namespace";
import type { CallStore } from "../calls/store";
import { CallReporter } from "../calls/call-reporter";
import { getLog, type Log } from "../observability/log";
import { Metrics } from "../observability/metrics";
import { relayOnlyCheck } from "../privacy";
import { batchWrites } from "./batched-writes";
import { topology, attachAdapter } from "./topology";
import { guardHandshakes } from "./handshake";
import { handleEvents } from "./handlers";
import { batchedPresence, type PresenceSources } from "./presence";
import { followRealtimeEvents } from "./realtime-events";
import { UserBudgets } from "./user-budget";
import { disconnectForReconnect } from "./drain";
import { refusalReporter } from "./observed";

export type SignalingOptions = {
  db: Db;
  authSecret: string;
  secureCookie?: boolean;
  ringTimeoutMs: number;
  graceMs: number;
  /** ICE servers for one participant (per-user TURN credentials). */
  iceServers: (userId: string) => IceServer[];
  limits: Limits;
  /** How the handshake's client IP is read (server/http/client-ip.ts); default: the TCP peer. */
  trustProxy?: TrustProxy;
  sweepEveryMs?: number;
  /** Set when several nodes share the load: the adapter between them and the per-user locks. */
  redis?: RedisClient;
  /**
   * Where call state is decided: in this process (one node) or in Redis
   * (several nodes: server/calls/redis-store.ts); the database is written
   * right after either way. Defaults to Redis with `redis`. Tests give a Redis
   * (and a key prefix of their own) to a node that is otherwise single.
   */
  callState?: { redis: RedisClient; prefix?: string };
  /** See CallServiceOptions.ringTimerSlackMs (tests). */
  ringTimerSlackMs?: number;
  /** Where events are logged (default: the process's logger, server/observability/log.ts). */
  log?: Log;
  /** Where events are counted (default: a private registry nobody scrapes). */
  metrics?: Metrics;
};

export type Signaling = {
  io: Server;
  nsp: SignalingNamespace;
  calls: CallService;
  directory: ContactDirectory;
  store: CallStore;
  /**
   * Shutting down: refuse new connections, and close every connection this
   * node holds so its clients reconnect (to another node, or to this one's
   * successor). Calls carry on: their rows and state are elsewhere, and the
   * clients rejoin them. Resolves once no socket is left (or after `waitMs`).
   */
  drain: (waitMs?: number) => Promise<void>;
  draining: () => boolean;
  close: () => Promise<void>;
};

export function createSignaling(httpServer: HttpServer, o: SignalingOptions): Signaling {
  const log = o.log ?? getLog();
  const metrics = o.metrics ?? new Metrics();
  const refused = refusalReporter(log, metrics);
  // "Hide my IP address" (server/privacy.ts): no host or server-reflexive candidate of such a user is relayed.
  const relayOnly = relayOnlyCheck(o.db);
  let draining = false;
  const io = new Server(httpServer, {
    // A node that is shutting down takes no new connection: the client's
    // reconnection goes on trying (and lands on another node).
    allowRequest: (_req, callback) => callback(draining ? "draining" : null, !draining),
    // websocket only: no sticky sessions needed behind a load balancer, and cheaper.
    transports: ["websocket"],
    maxHttpBufferSize: LIMITS.frame,
    serveClient: false,
    // A socket that comes back within the grace period gets its id, rooms (its
    // call room included) and the events it missed back from Socket.IO itself;
    // the client's session:sync + call:rejoin cover the rest (reloads, restarts).
    // Middlewares still run, so a recovered socket is authenticated again, and
    // it gets its rooms and missed events back only if it is the same user
    // (server/signaling/recovery-guard.ts).
    connectionStateRecovery: { maxDisconnectionDuration: Math.max(o.graceMs, 2_000), skipMiddlewares: false },
  });
  batchWrites(io.engine);
  attachAdapter(io, o.redis);
  const nsp: SignalingNamespace = io.of("/signaling");
  // Nothing may use the default namespace.
  io.of("/").use((_socket, next) => next(new Error("unauthorized")));

  const nodes = topology(nsp, o);
  const { store } = nodes;
  const directory = new ContactDirectory(o.db);
  // Sessions are checked through the process's cache (server/auth/sessions.ts):
  // a reconnect within a minute costs a Map lookup; a miss is one batched read.
  const sessions = getSessionChecker();
  const presence: PresenceSources = { nsp, store, directory, singleNode: !nodes.several };
  const presenceBatches = batchedPresence(presence);
  const calls = new CallService({
    store,
    directory,
    nsp,
    ringTimerSlackMs: o.ringTimerSlackMs,
    ringTimeoutMs: o.ringTimeoutMs,
    graceMs: o.graceMs,
    iceServers: o.iceServers,
    onPresenceChange: presenceBatches.changed,
    announce: nodes.announce,
    report: new CallReporter(log, metrics),
  });
  const stopRealtime = followRealtimeEvents(nsp, { directory, sessions, calls, several: nodes.several });
  metrics.observe({ sockets: () => nsp.sockets.size, activeCalls: async () => (await store.active()).length });
  const announceLeaving = nodes.announceNode(log);
  void store.ready.then(() => calls.start(o.sweepEveryMs)).catch((err: unknown) => log.error({ event: "calls.load_failed", err }, "loading live calls failed"));

  // Events per user across their sockets (and nodes): server/signaling/user-budget.ts.
  const budgets = new UserBudgets(o.limits.userMessages.perSecond);
  const stopBudgetSync = nodes.shareBudgets(budgets);
  const admission = guardHandshakes(nsp, { ...o, store, sessions, log, metrics, refused });
  handleEvents(nsp, {
    calls,
    directory,
    presence,
    presenceChanged: presenceBatches.changed,
    relayOnly,
    iceServers: o.iceServers,
    ringAdmission: nodes.ringAdmission,
    limits: o.limits,
    budgets,
    admission,
    log,
    metrics,
    refused,
  });

  return {
    io,
    nsp,
    calls,
    directory,
    store,
    draining: () => draining,
    drain: async (waitMs = 2_000) => {
      if (draining) return;
      draining = true;
      announceLeaving?.();
      await disconnectForReconnect(nsp, waitMs);
    },
    close: async () => {
      stopRealtime();
      stopBudgetSync();
      presenceBatches.stop();
      calls.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
