// A graceful stop (SIGTERM, SIGINT), in the order that loses nothing:
//  1. draining: /readyz answers 503 and new signaling connections are refused,
//     so the load balancer and the clients turn to the other nodes;
//  2. every connected client is told to reconnect (its connection is closed;
//     Socket.IO clients reconnect by themselves, and rejoin their call);
//  3. the call service stops its timers (any node's sweep covers rings and
//     calls this node was timing);
//  4. the database writes still queued behind decisions are made;
//  5. the HTTP server, database and Redis connections close.
// The caller bounds the whole with SHUTDOWN_GRACE_SECONDS.
import type { Server as HttpServer } from "node:http";
import type { Signaling } from "./signaling";
import type { Log } from "./observability/log";

export type ShutdownParts = {
  httpServer: HttpServer;
  signaling: Signaling;
  log: Log;
  /** How long the clients get to go (at most; usually a few ms). */
  disconnectWaitMs?: number;
  /** Closes what the server opened last (database, Redis). */
  closeConnections: () => Promise<void>;
};

export async function shutDown(p: ShutdownParts): Promise<void> {
  const t0 = Date.now();
  const sockets = p.signaling.nsp.sockets.size;
  await p.signaling.drain(p.disconnectWaitMs ?? 2_000);
  p.log.info({ event: "server.drained", sockets, leftOver: p.signaling.nsp.sockets.size, ms: Date.now() - t0 }, "clients sent to reconnect");
  p.signaling.calls.stop();
  await p.signaling.store.flush();
  p.log.info({ event: "server.flushed", ms: Date.now() - t0 }, "queued database writes done");
  // Keep-alive HTTP connections would hold server.close() open: idle ones go now, busy ones after their response.
  const closed = new Promise<void>((resolve) => p.httpServer.close(() => resolve()));
  p.httpServer.closeIdleConnections();
  await p.signaling.close();
  await closed;
  await p.closeConnections();
}
