// Who may hold a /signaling socket. The handshake middleware: a browser's
// Origin must be ours, the per-IP limits, the session cookie and the live
// session it names, the recovery guard (./recovery-guard.ts), the per-user
// cap. Then, once the socket connects, the caps are checked again before it
// joins anything. What a connected socket may say is ./handlers.ts.
import type { IncomingMessage } from "node:http";
import { RateLimiterRes } from "rate-limiter-flexible";
import { userFromCookieHeader } from "../auth/session-cookie";
import type { SessionChecker } from "../auth/sessions";
import { deriveClientIp, TRUST_NONE, type TrustProxy } from "../http/client-ip";
import { sameOrigin } from "../http/same-origin";
import type { Db } from "../db/client";
import type { Limits } from "../rate-limits";
import type { CallStore } from "../calls/store";
import { userRoom, type SignalingNamespace, type SignalingSocket } from "../calls/namespace";
import type { Log } from "../observability/log";
import type { Metrics } from "../observability/metrics";
import { recoveryAllowed, restoreRecovered } from "./recovery-guard";
import { closeEndedSession } from "./ended-sessions";
import { HandshakeGate } from "./handshake-gate";
import type { Refused } from "./observed";

/** Handshakes past the per-IP checks at once; the rest wait in turn (server/signaling/handshake-gate.ts). */
const HANDSHAKES_AT_ONCE = 64;

export type HandshakeOptions = {
  db: Db;
  authSecret: string;
  secureCookie?: boolean;
  /** How the handshake's client IP is read (server/http/client-ip.ts); default: the TCP peer. */
  trustProxy?: TrustProxy;
  limits: Limits;
  /** Handshakes wait until the store can answer. */
  store: CallStore;
  sessions: SessionChecker;
  log: Log;
  metrics: Metrics;
  refused: Refused;
};

/** A connected socket's place under the caps. */
export type Admission = {
  /** Joins an authenticated socket to its user's room, unless the caps no longer hold (then it is closed): whether it may stay. */
  admit: (socket: SignalingSocket) => boolean;
  /** An admitted socket is gone. */
  release: (socket: SignalingSocket) => void;
};

export function guardHandshakes(nsp: SignalingNamespace, o: HandshakeOptions): Admission {
  const { log, metrics, sessions } = o;
  /** Open signaling sockets per client IP on this node. */
  const ipSockets = new Map<string, number>();
  /** This user's signaling sockets on this node. */
  const socketsOf = (userId: string) => nsp.adapter.rooms.get(userRoom(userId))?.size ?? 0;
  /** Handshakes authenticated at once (server/signaling/handshake-gate.ts). */
  const gate = new HandshakeGate(HANDSHAKES_AT_ONCE);

  nsp.use(async (socket, next) => {
    // Socket.IO does not await middleware: a rejection here would be unhandled
    // (a crash under Node's default) and leave the handshake hanging.
    try {
      await o.store.ready;
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
      // One at a time past here, up to HANDSHAKES_AT_ONCE (server/signaling/handshake-gate.ts).
      await gate.enter();
      try {
        await authenticate(socket, next);
      } finally {
        gate.leave();
      }
    } catch (err) {
      log.error({ event: "signaling.error", socketEvent: "handshake", err }, "handshake failed");
      next(new Error("internal"));
    }
  });

  /** The handshake's cookie and session checks (the middleware's part behind the gate). */
  async function authenticate(socket: SignalingSocket, next: (err?: Error) => void): Promise<void> {
    // Gone while it waited at the gate (its client timed out and retries): no work for it.
    if (socket.conn.readyState !== "open") return next(new Error("closed"));
    const ip = socket.data.ip ?? "unknown";
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
  }

  function refuseHandshake(next: (err?: Error) => void, code: string, userId?: string): void {
    o.refused("handshake", code, userId);
    next(new Error(code));
  }

  return {
    admit(socket) {
      const { userId } = socket.data;
      forgetUpgradeRequest(socket);
      // Revoked between its check and now (the check awaited the database): it never joins anything.
      if (sessions.isRevoked(socket.data.sid)) {
        closeEndedSession(nsp, socket);
        return false;
      }
      restoreRecovered(socket);
      void socket.join(userRoom(userId));
      // Handshakes that finish together all pass the middleware's counts before
      // any of them has joined: the caps hold here.
      const ip = socket.data.ip ?? "unknown";
      const fromIp = ipSockets.get(ip) ?? 0;
      if (socketsOf(userId) > o.limits.socketsPerUser || fromIp >= o.limits.socketsPerIp) {
        socket.disconnect(true);
        return false;
      }
      ipSockets.set(ip, fromIp + 1);
      return true;
    },
    release(socket) {
      const { ip = "unknown" } = socket.data;
      const left = (ipSockets.get(ip) ?? 1) - 1;
      if (left > 0) ipSockets.set(ip, left);
      else ipSockets.delete(ip);
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
function forgetUpgradeRequest(socket: SignalingSocket): void {
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
