// Wiring only: env → logs and metrics → database (migrated) → Next → http
// server (health, readiness and metrics first, then the request guards and
// Next) → signaling → listen; graceful shutdown on SIGTERM/SIGINT (server/shutdown.ts).
import { createServer, type IncomingMessage } from "node:http";
import next from "next";
import { getEnv } from "./env";
import { secureCookiesFor } from "./auth/cookies";
import { migrate } from "./db/migrate";
import { dbKind } from "./db/kind";
import { getDb } from "./db/client";
import { createSignaling } from "./signaling";
import { setSignalingNamespace } from "./realtime";
import { createLimits, setLimits } from "./rate-limits";
import { connectRedis } from "./redis";
import { iceServersFromEnv } from "./ice";
import { createLog, setLog } from "./observability/log";
import { Metrics, setMetrics } from "./observability/metrics";
import { opsRoutes } from "./observability/ops-routes";
import { startMetricsServer } from "./observability/metrics-server";
import { configSummary } from "./observability/config-summary";
import { shutDown } from "./shutdown";
import { createRequestListener } from "./http/request-listener";

async function main() {
  const authSecretFromEnv = Boolean(process.env.AUTH_SECRET);
  const env = getEnv();
  process.env.DATABASE_URL = env.DATABASE_URL;
  const dev = env.NODE_ENV !== "production";
  const publicUrl = env.NEXTAUTH_URL ?? `http://${env.HOSTNAME}:${env.PORT}`;
  process.env.NEXTAUTH_URL ??= publicUrl;
  const log = createLog({ level: env.LOG_LEVEL, pretty: dev && process.stdout.isTTY });
  setLog(log);
  const metrics = new Metrics({ processMetrics: true });
  setMetrics(metrics);

  const migrated = await migrate(env.DATABASE_URL);
  if (migrated.applied.length > 0) log.info({ event: "db.migrated", applied: migrated.applied }, `applied ${migrated.applied.length} migration(s)`);
  const db = getDb(env.DATABASE_URL);
  // SQLite only (WAL is set by the migration runner): 2x faster writes, still safe in WAL.
  if (dbKind(env.DATABASE_URL) === "sqlite") await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");

  // Several nodes: Redis carries rooms/broadcasts, shared rate limits and the live call state.
  const redis = env.REDIS_URL ? await connectRedis(env.REDIS_URL) : undefined;
  const limits = createLimits({
    signUpsPerHour: env.SIGNUPS_PER_IP_PER_HOUR,
    ringsPerMinute: env.RINGS_PER_USER_PER_MINUTE,
    handshakesPerIpPerMinute: env.HANDSHAKES_PER_IP_PER_MINUTE,
    socketsPerIp: env.SOCKETS_PER_IP,
    redis,
  });
  setLimits(limits);

  const app = next({ dev, hostname: env.HOSTNAME, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  let draining = () => false;
  const ops = opsRoutes({
    readiness: { db, redis, migrations: migrated.total, isDraining: () => draining() },
    metrics,
    metricsToken: env.METRICS_TOKEN,
  });
  const guarded = createRequestListener(handle, { trustProxy: env.TRUST_PROXY });
  const server = createServer((req: IncomingMessage, res) => {
    // Probes and scrapes: answered here, cheaply, before anything else.
    if (ops(req, res)) return;
    guarded(req, res);
  });

  const signaling = createSignaling(server, {
    db,
    authSecret: env.AUTH_SECRET,
    secureCookie: secureCookiesFor(publicUrl),
    ringTimeoutMs: env.RING_TIMEOUT_SECONDS * 1000,
    graceMs: env.CALL_GRACE_SECONDS * 1000,
    iceServers: iceServersFromEnv(env),
    limits,
    trustProxy: env.TRUST_PROXY,
    redis,
    sweepEveryMs: env.CALL_SWEEP_SECONDS * 1000,
    log,
    metrics,
  });
  setSignalingNamespace(signaling.nsp);
  draining = signaling.draining;
  metrics.observe({ pingDb: () => db.$queryRawUnsafe("SELECT 1"), pingRedis: redis && (() => redis.ping()) });
  // METRICS_PORT: /metrics for this host only (127.0.0.1), no token.
  const metricsServer = env.METRICS_PORT ? await startMetricsServer(metrics, env.METRICS_PORT) : undefined;

  // A deep accept queue (Node's default is 511; the kernel caps it at net.core.somaxconn): when a
  // node dies its users arrive at the others within a second or two, and connections the queue
  // has no room for are dropped by the kernel and retried by the client 1, 3, 7… s later
  // (bench/reconnect-storm.ts, docs/performance.md B6).
  server.listen({ port: env.PORT, host: env.HOSTNAME, backlog: 4096 }, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    // tests/multinode/cluster.ts reads the URL from this line's msg.
    log.info({ event: "server.started", config: configSummary(env, authSecretFromEnv, publicUrl) }, `Dialtone ready on http://${env.HOSTNAME}:${port} (${dev ? "development" : "production"})`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
    log.info({ event: "server.stopping", signal, graceSeconds: env.SHUTDOWN_GRACE_SECONDS }, `${signal}: shutting down`);
    const force = setTimeout(() => {
      log.error({ event: "server.stop_timeout", graceSeconds: env.SHUTDOWN_GRACE_SECONDS }, "shutdown took too long: exiting anyway");
      process.exit(1);
    }, graceMs);
    force.unref();
    shutDown({
      httpServer: server,
      signaling,
      log,
      disconnectWaitMs: Math.min(2_000, graceMs / 2),
      closeConnections: async () => {
        metricsServer?.close();
        await db.$disconnect().catch(() => undefined);
        await redis?.quit().catch(() => undefined);
      },
    }).then(
      () => {
        log.info({ event: "server.stopped", signal }, "stopped");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ event: "server.stop_failed", err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
