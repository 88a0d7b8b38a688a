// The /signaling namespace: handshake auth, then one handler per event:
// parse (zod) → authorise → call service → ack. Nothing is relayed unless the
// sending socket is a member of that call's room.
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server, type Socket } from "socket.io";
import type { RedisClient } from "../redis";
import { userFromCookieHeader } from "../auth/session-cookie";
import { deriveClientIp, TRUST_NONE, type TrustProxy } from "../http/client-ip";
import { sameOrigin } from "../http/same-origin";
import type { Db } from "../db/client";
import { DialtoneError, toAckError } from "../call/errors";
import {
  LIMITS,
  schemas,
  type AckData,
  type ClientEventName,
  type ClientToServerEvents,
  type IceServer,
  type Payload,
  type ServerToClientEvents,
} from "../call/protocol";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { consume, type Limits } from "../rate-limits";
import { onAccountEvents, onContactsChanged } from "../realtime";
import { getSessionChecker } from "../auth/sessions";
import { ContactDirectory } from "../contacts/directory";
import { CallService, type RingAdmission } from "../calls/service";
import { callRoom, userRoom, type SignalingNamespace, type SocketData } from "../calls/namespace";
import { MemoryCallStore, type CallStore } from "../calls/store";
import { RedisCallStore } from "../calls/redis-store";
import { clusterAnnouncer } from "./cluster-broadcast";
import { batchWrites } from "./batched-writes";
import { RecoveryAdapter } from "./recovery-adapter";
import { holdingRecoveredState, recoveryAllowed, restoreRecovered } from "./recovery-guard";
import { UserBudgets } from "./user-budget";
import { syncBudgetsAcrossNodes } from "./cluster-budget";
import { broadcastPresence, presenceOf, type PresenceSources } from "./presence";
import { CallReporter } from "../calls/call-reporter";
import { getLog, type Log } from "../observability/log";
import { Metrics } from "../observability/metrics";
import { relayOnlyCheck } from "../privacy";
import { disconnectForReconnect } from "./drain";
import { announceNode, refusalReporter } from "./observed";

const PRESENCE_BATCH_MS = 50;
/** socket.io-parser's PacketType.EVENT. */
const SOCKET_IO_EVENT = 2;
/** The answer to every event over the user's budget: made once, no validation, no handler. */
const RATE_LIMITED = Object.freeze(toAckError(new DialtoneError("rate_limited")));

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

type Sock = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type Handler<E extends ClientEventName> = (socket: Sock, payload: Payload<E>) => Promise<AckData[E]>;

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
  const STREAM = "dialtone:socket.io";
  const STREAM_MAX_LEN = 10_000;
  if (!o.redis) {
    io.adapter(holdingRecoveredState(RecoveryAdapter));
  } else {
    // Redis Streams adapter: rooms and broadcasts span every node; it also
    // supports Socket.IO's connection-state recovery.
    io.adapter(holdingRecoveredState(
      createAdapter(o.redis, {
        streamName: STREAM,
        maxLen: STREAM_MAX_LEN,
        onlyPlaintext: true,
        // A node that died is dropped from cross-node requests (fetchSockets) after 6 s.
        heartbeatInterval: 2_000,
        heartbeatTimeout: 6_000,
      }),
    ));
  }
  const nsp: SignalingNamespace = io.of("/signaling");
  // Nothing may use the default namespace.
  io.of("/").use((_socket, next) => next(new Error("unauthorized")));

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
  const directory = new ContactDirectory(o.db);
  // A contact or block changed (on this node, in Next's route code or here):
  // forget those users here and on every other node.
  const stopListening = onContactsChanged((ids) => {
    directory.invalidate(ids);
    if (o.redis) nsp.serverSideEmit("contacts:changed", ids);
  });
  nsp.on("contacts:changed", (ids: unknown) => {
    if (Array.isArray(ids)) directory.invalidate(ids.filter((id): id is string => typeof id === "string"));
  });
  // Sessions are checked through the process's cache (server/auth/sessions.ts):
  // a reconnect within a minute costs a Map lookup; a miss is one batched read.
  const sessions = getSessionChecker();
  // Sessions ended (server/realtime.ts#sessionsEnded, in Next's route code or
  // next-auth's sign-out on this node): their sockets go here, and every other
  // node is told to do the same with its own.
  const stopAccountEvents = onAccountEvents({
    sessionsEnded(userId, sessionIds) {
      endSessionSockets(userId, sessionIds);
      if (o.redis) nsp.serverSideEmit("sessions:ended", { userId, sessionIds });
    },
    userRenamed(userId) {
      if (o.redis) nsp.serverSideEmit("user:renamed", userId);
    },
    async accountDeleted(userId) {
      // Its live calls end now, as if it hung up: the other side is told at once.
      const state = await calls.sessionState(userId);
      const live = [state.active, state.outgoing, ...state.incoming].filter((c) => c !== null);
      await Promise.all(live.map((c) => calls.hangup(c.id, userId).catch(() => undefined)));
    },
  });
  // A name changed on another node: its sessions here carry the old one (the contact directory hears contacts:changed).
  nsp.on("user:renamed", (userId: unknown) => {
    if (typeof userId === "string") sessions.forgetUser(userId);
  });
  nsp.on("sessions:ended", (p: unknown) => {
    const { userId, sessionIds } = (p ?? {}) as { userId?: unknown; sessionIds?: unknown };
    if (typeof userId !== "string" || !Array.isArray(sessionIds)) return;
    const ids = sessionIds.filter((id): id is string => typeof id === "string");
    sessions.revoke(ids);
    endSessionSockets(userId, ids);
  });
  /** Tells this node's sockets of these sessions that they ended, and closes them (the client signs out). */
  function endSessionSockets(userId: string, sessionIds: string[]): void {
    const room = nsp.adapter.rooms.get(userRoom(userId));
    if (!room) return;
    const ended = new Set(sessionIds);
    for (const id of [...room]) {
      const socket = nsp.sockets.get(id);
      if (socket && ended.has(socket.data.sid)) closeEndedSession(socket);
    }
  }
  /**
   * `session:ended`, then the connection closed. Not `socket.emit`: with
   * connection-state recovery it goes through the adapter's broadcast, which
   * the Redis streams adapter delivers only after publishing it to Redis (a
   * round trip), by which time the socket is gone. A local-only broadcast to
   * the socket's own room is delivered at once (and is not kept for replay).
   */
  function closeEndedSession(socket: Sock): void {
    const packet = { type: SOCKET_IO_EVENT, data: ["session:ended"] };
    void nsp.adapter.broadcast(packet as never, { rooms: new Set([socket.id]), except: new Set(), flags: { local: true } });
    socket.disconnect(true);
  }
  const presence: PresenceSources = { nsp, store, directory, singleNode: !o.redis };
  // Presence changes are sent in batches a moment later: a status line may
  // trail by 50 ms, and the work stays out of the accept → offer → answer
  // exchange that triggered it (and a burst of connects is one batch).
  const pendingPresence = new Set<string>();
  let presenceTimer: NodeJS.Timeout | undefined;
  const presenceChanged = (ids: string[]) => {
    for (const id of ids) pendingPresence.add(id);
    presenceTimer ??= setTimeout(() => {
      presenceTimer = undefined;
      const batch = [...pendingPresence];
      pendingPresence.clear();
      void broadcastPresence(presence, batch).catch(() => undefined);
    }, PRESENCE_BATCH_MS);
  };
  const calls = new CallService({
    store,
    directory,
    nsp,
    ringTimerSlackMs: o.ringTimerSlackMs,
    ringTimeoutMs: o.ringTimeoutMs,
    graceMs: o.graceMs,
    iceServers: o.iceServers,
    onPresenceChange: presenceChanged,
    announce: o.redis && stateRedis?.redis === o.redis ? clusterAnnouncer(nsp, STREAM, STREAM_MAX_LEN) : undefined,
    report: new CallReporter(log, metrics),
  });
  metrics.observe({ sockets: () => nsp.sockets.size, activeCalls: async () => (await store.active()).length });
  // Nodes say when they come and go, for the others' logs.
  const announceLeaving = o.redis ? announceNode(nsp, log) : undefined;
  void store.ready.then(() => calls.start(o.sweepEveryMs)).catch((err: unknown) => log.error({ event: "calls.load_failed", err }, "loading live calls failed"));

  // Events per user across their sockets (and nodes): server/signaling/user-budget.ts.
  const budgets = new UserBudgets(o.limits.userMessages.perSecond);
  const stopBudgetSync = o.redis ? syncBudgetsAcrossNodes(budgets, o.redis, { perSecond: o.limits.userMessages.perSecond }) : () => undefined;
  /** Open signaling sockets per client IP on this node. */
  const ipSockets = new Map<string, number>();

  nsp.use(async (socket, next) => {
    // Socket.IO does not await middleware: a rejection here would be unhandled
    // (a crash under Node's default) and leave the handshake hanging.
    try {
      await store.ready;
      // A browser always says which page opened the socket: only our own pages
      // may use the session cookie (cross-site WebSocket hijacking). Non-browser
      // clients send no Origin and are judged by the cookie alone.
      if (!sameOrigin(socket.handshake.headers.origin, socket.handshake.headers.host)) return refuseHandshake(next, "unauthorized");
      // Per client IP, before the cookie is decrypted and the database asked.
      const ip = deriveClientIp(socket.handshake.address, socket.handshake.headers["x-forwarded-for"], o.trustProxy ?? TRUST_NONE);
      if (o.limits.handshakeIp && !(await admitted(o.limits.handshakeIp.consume(ip)))) {
        metrics.rateLimited.inc({ limit: "handshakes_per_ip" });
        return refuseHandshake(next, "rate_limited");
      }
      if ((ipSockets.get(ip) ?? 0) >= o.limits.socketsPerIp) {
        metrics.rateLimited.inc({ limit: "sockets_per_ip" });
        return refuseHandshake(next, "rate_limited");
      }
      socket.data.ip = ip;
      const user = await userFromCookieHeader(socket.handshake.headers.cookie, o.authSecret, o.secureCookie);
      if (!user?.sid) return refuseHandshake(next, "unauthorized");
      // The token's session must still exist (not signed out, revoked, or its account deleted).
      const live = await sessions.check(o.db, user.id, user.sid, { ip });
      if (!live) return refuseHandshake(next, "unauthorized");
      // Someone else's pid and offset: refused, not merged (the session is used up).
      if (!recoveryAllowed(socket, user.id)) return refuseHandshake(next, "unauthorized", user.id);
      if (socketsOf(user.id) >= o.limits.socketsPerUser) {
        metrics.rateLimited.inc({ limit: "sockets_per_user" });
        return refuseHandshake(next, "rate_limited", user.id);
      }
      socket.data.userId = user.id;
      socket.data.name = live.name;
      socket.data.sid = user.sid;
      next();
    } catch (err) {
      log.error({ event: "signaling.error", socketEvent: "handshake", err }, "handshake failed");
      next(new Error("internal"));
    }
  });

  function refuseHandshake(next: (err?: Error) => void, code: string, userId?: string): void {
    refused("handshake", code, userId);
    next(new Error(code));
  }

  const handlers: { [E in ClientEventName]: Handler<E> } = {
    "session:sync": (s) => calls.sessionState(s.data.userId),
    "call:invite": async (s, p) => {
      // Joins this socket to the call room (ringing), or, on glare, answers the
      // callee's ring to us from this socket (the ack then has the active call).
      // Nothing is rung before the ring limit has admitted the invite.
      return calls.invite(s.data.userId, p.calleeId, p.kind, s.id, ringAdmission(s.data.userId));
    },
    "call:accept": async (s, p) => {
      if (p.answer) await relayOnly.sdp(s.data.userId, p.answer.sdp);
      return calls.accept(p.callId, s.data.userId, s.id, p.answer);
    },
    "call:decline": async (s, p) => ({ call: await calls.decline(p.callId, s.data.userId) }),
    "call:cancel": async (s, p) => ({ call: await calls.cancel(p.callId, s.data.userId) }),
    "call:hangup": async (s, p) => ({ call: await calls.hangup(p.callId, s.data.userId) }),
    "call:rejoin": (s, p) => calls.rejoin(p.callId, s.data.userId, s.id, p.fresh ?? false),
    // Only the socket that holds the call (it is in the call's room) gets a
    // new credential, signed for its own user; no database, no state change.
    "call:renew-ice": async (s, p) => {
      requireInCall(s, p.callId);
      return { iceServers: o.iceServers(s.data.userId) };
    },
    "signal:description": async (s, p) => {
      requireInCall(s, p.callId);
      await relayOnly.sdp(s.data.userId, p.description.sdp);
      s.to(callRoom(p.callId)).emit("signal:description", p);
      return {};
    },
    // The caller's socket is in the call's room from its invite; the service
    // checks it rings and that this is its caller, and sends it to the callee's tabs.
    "call:offer": async (s, p) => {
      requireInCall(s, p.callId);
      await calls.offer(p.callId, s.data.userId, p.description);
      return {};
    },
    "signal:candidate": async (s, p) => {
      requireInCall(s, p.callId);
      if (p.candidate) await relayOnly.candidate(s.data.userId, p.candidate.candidate);
      s.to(callRoom(p.callId)).emit("signal:candidate", p);
      return {};
    },
    "call:media-state": async (s, p) => {
      requireInCall(s, p.callId);
      s.to(callRoom(p.callId)).emit("call:media-state", p);
      return {};
    },
    "call:screen-share": async (s, p) => {
      requireInCall(s, p.callId);
      s.to(callRoom(p.callId)).emit("call:screen-share", p);
      return {};
    },
    "presence:list": async (s) => {
      const ids = await directory.contactIds(s.data.userId);
      return { presence: await presenceOf(presence, ids) };
    },
  };

  /** Authorisation of everything said inside a call (relay, new ICE servers): the sender must have joined this call's room. */
  function requireInCall(s: Sock, callId: string) {
    if (!s.rooms.has(callRoom(callId))) throw new DialtoneError("not_in_call");
  }

  async function onEvent(socket: Sock, event: ClientEventName, args: unknown[], ack: ((res: unknown) => void) | undefined) {
    try {
      if (args.length !== 1) throw new DialtoneError("invalid_payload");
      const parsed = schemas[event].safeParse(args[0]);
      if (!parsed.success) throw new DialtoneError("invalid_payload");
      const data = await (handlers[event] as Handler<typeof event>)(socket, parsed.data as never);
      ack?.({ ok: true, ...data });
    } catch (err) {
      if (!(err instanceof DialtoneError)) log.error({ event: "signaling.error", socketEvent: event, userId: socket.data.userId, err }, `${event} failed`);
      const res = toAckError(err);
      refused(event, res.code, socket.data.userId);
      ack?.(res);
    }
  }

  // The listeners below are shared by every socket (Socket.IO calls them with
  // `this` = the socket), not closures per socket: an idle connection should
  // hold as little as possible (it kept ten per-event closures once, then
  // three).
  function onAnyEvent(this: Sock, event: string, ...args: unknown[]): void {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (res: unknown) => void) : undefined;
    // Every event, known or not, counts against the user's budget before anything else is done with it.
    const counter = this.data.messages;
    if (!counter) return;
    const verdict = o.limits.userMessages.take(counter);
    if (verdict !== "ok") {
      metrics.rateLimited.inc({ limit: "user_messages" });
      // Over the budget: a ready-made answer; far over it: the sender goes (what it queued is dropped with it).
      if (verdict === "abuse") this.disconnect(true);
      else ack?.(RATE_LIMITED);
      return;
    }
    // Own keys only: `"toString" in schemas` is true (inherited), and such an event would never be answered.
    if (Object.hasOwn(schemas, event)) return void onEvent(this, event as ClientEventName, args, ack);
    // Unknown events: answer with an error when the client asked for an ack.
    // Counted under one name: event names are the client's to choose, labels must stay few.
    refused("unknown", "invalid_payload", this.data.userId);
    ack?.(toAckError(new DialtoneError("invalid_payload", `Unknown event.`)));
  }
  function onDisconnecting(this: Sock): void {
    const callIds = [...this.rooms].filter((r) => r.startsWith("call:")).map((r) => r.slice(5));
    if (callIds.length > 0) calls.socketLeftCalls(this.data.userId, callIds);
  }
  function onDisconnect(this: Sock): void {
    const { userId, ip = "unknown" } = this.data;
    budgets.detach(userId);
    const left = (ipSockets.get(ip) ?? 1) - 1;
    if (left > 0) ipSockets.set(ip, left);
    else ipSockets.delete(ip);
    presenceChanged([userId]);
  }

  /** This user's signaling sockets on this node. */
  const socketsOf = (userId: string) => nsp.adapter.rooms.get(userRoom(userId))?.size ?? 0;

  nsp.on("connection", (socket: Sock) => {
    const { userId } = socket.data;
    forgetUpgradeRequest(socket);
    // Revoked between its check and now (the check awaited the database): it never joins anything.
    if (sessions.isRevoked(socket.data.sid)) return closeEndedSession(socket);
    restoreRecovered(socket);
    void socket.join(userRoom(userId));
    // Handshakes that finish together all pass the middleware's counts before
    // any of them has joined: the caps hold here.
    const ip = socket.data.ip ?? "unknown";
    const fromIp = ipSockets.get(ip) ?? 0;
    if (socketsOf(userId) > o.limits.socketsPerUser || fromIp >= o.limits.socketsPerIp) {
      socket.disconnect(true);
      return;
    }
    ipSockets.set(ip, fromIp + 1);
    socket.data.messages = budgets.attach(userId);
    // Presence is recomputed from every node's sockets, so a second tab or a
    // tab on another node never flips it wrongly.
    presenceChanged([userId]);
    // One listener for every event, not one per event name.
    socket.onAny(onAnyEvent);
    socket.on("disconnecting", onDisconnecting);
    socket.on("disconnect", onDisconnect);
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
      stopListening();
      stopAccountEvents();
      stopBudgetSync();
      clearTimeout(presenceTimer);
      calls.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/**
 * After the middleware has authenticated the socket, nothing reads its upgrade
 * request again, but engine.io keeps the whole IncomingMessage for the
 * connection's life (engine Socket.request, and its WebSocketResponse through a
 * "close" listener on the TCP socket) and socket.io's handshake points at its
 * headers: every raw and parsed header (the ~300-byte session cookie twice),
 * the query and the URL, ~0.8 KB of heap per idle socket. Drop them. A later
 * namespace handshake on the same connection would then see no headers and be
 * refused (fails closed); a reconnection is a new request and is authenticated
 * afresh.
 */
function forgetUpgradeRequest(socket: Sock): void {
  const conn = socket.conn as { request: IncomingMessage | null };
  const req = conn.request;
  conn.request = null;
  socket.handshake.headers = {};
  socket.handshake.query = {};
  if (req) {
    // Still referenced by engine.io's WebSocketResponse: empty it instead.
    req.headers = {};
    req.rawHeaders = [];
    req.url = "";
    (req as IncomingMessage & { _query?: unknown })._query = undefined;
  }
}

/** Whether a rate-limiter-flexible consume passed (false: over its limit; other errors are thrown). */
async function admitted(consumed: Promise<unknown>): Promise<boolean> {
  try {
    await consumed;
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}
