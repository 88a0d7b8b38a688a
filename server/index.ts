// Wiring only: env → database (migrated) → Next → http server → signaling → listen.
import { createServer } from "node:http";
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
import { createRequestListener } from "./http/request-listener";


async function main() {
  const env = getEnv();
  process.env.DATABASE_URL = env.DATABASE_URL;
  const dev = env.NODE_ENV !== "production";
  const publicUrl = env.NEXTAUTH_URL ?? `http://${env.HOSTNAME}:${env.PORT}`;
  process.env.NEXTAUTH_URL ??= publicUrl;

  const migrated = await migrate(env.DATABASE_URL);
  if (migrated.applied.length > 0) console.log(`[db] applied ${migrated.applied.join(", ")}`);
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

  const server = createServer(createRequestListener(handle, { trustProxy: env.TRUST_PROXY }));

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
  });
  setSignalingNamespace(signaling.nsp);

  server.listen(env.PORT, env.HOSTNAME, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    console.log(`Dialtone ready on http://${env.HOSTNAME}:${port} (${dev ? "development" : "production"})`);
  });

  const shutdown = async (signal: string) => {
    console.log(`[server] ${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    await signaling.close().catch(() => undefined);
    server.close();
    await db.$disconnect().catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
