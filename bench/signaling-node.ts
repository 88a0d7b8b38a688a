// B1's Dialtone node: the real signaling stack of server/index.ts without
// Next (pages are not on the signaling path): an http server on 127.0.0.1, the
// /signaling namespace from server/signaling (next-auth cookie auth, zod
// payloads, rate limits, per-user locks, the call service writing call rows),
// Prisma on a real SQLite file in WAL mode with synchronous=NORMAL as in
// production, and per-user TURN credentials signed on accept as in production.
// Started by bench/signaling.ts through bench/proc.ts (CPU/RSS over IPC).
// BENCH_PER_IP=1 (bench/flood.ts --per-ip) adds the per-IP limits server/index.ts
// applies by default (server/env.ts: 120 handshakes a minute and 200 sockets per IP).
//   BENCH_DB_URL=file:… BENCH_SECRET=… node --import tsx bench/signaling-node.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import v8 from "node:v8";
import { createDb } from "../server/db/client";
import { iceServersFromEnv } from "../server/ice";
import { createLimits } from "../server/rate-limits";
import { createSignaling } from "../server/signaling";
import { serveStats } from "./proc";

// BENCH_HEAP_SNAPSHOT=<dir>: `kill -USR2 <pid>` writes a heap snapshot there (after a full
// GC), to see what each idle socket retains. For analysis only: not used by the bench itself.
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
if (snapshotDir) {
  process.on("SIGUSR2", () => {
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`[signaling-node] heap snapshot: ${v8.writeHeapSnapshot(path.join(snapshotDir, `signaling-${process.pid}-${Date.now()}.heapsnapshot`))}`);
  });
}

async function main() {
  const url = process.env.BENCH_DB_URL;
  const secret = process.env.BENCH_SECRET;
  if (!url || !secret) throw new Error("BENCH_DB_URL and BENCH_SECRET are required");
  const db = createDb(url);
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.user.count(); // open the connection before the "idle" RSS is taken
  const httpServer = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const signaling = createSignaling(httpServer, {
    db,
    authSecret: secret,
    ringTimeoutMs: 45_000,
    graceMs: 15_000,
    iceServers: iceServersFromEnv({
      STUN_URLS: ["stun:127.0.0.1:3478"],
      TURN_URLS: ["turn:127.0.0.1:3478?transport=udp"],
      TURN_SECRET: "bench-turn-secret-0123456789",
      TURN_TTL_SECONDS: 3600,
    }),
    limits: createLimits(process.env.BENCH_PER_IP === "1" ? { handshakesPerIpPerMinute: 120, socketsPerIp: 200 } : {}),
    sweepEveryMs: 5_000,
  });
  await new Promise<void>((resolve) => httpServer.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  const stop = async () => {
    await signaling.close().catch(() => undefined);
    await db.$disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  serveStats((httpServer.address() as AddressInfo).port);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
