// Whether this node should get traffic (/readyz): the database answers and
// has every migration this build ships, Redis answers when configured, and
// the node is not shutting down. Each check has a time limit: a database that
// hangs makes the node unready, not the probe hang.
import type { Db } from "../db/client";
import type { RedisClient } from "../redis";

export type ReadinessOptions = {
  db: Db;
  redis?: RedisClient;
  /** How many migrations this build ships (migrate()'s `total`). */
  migrations: number;
  isDraining: () => boolean;
  timeoutMs?: number;
};

export type Readiness = {
  ready: boolean;
  draining: boolean;
  checks: { database: string; migrations: string; redis?: string };
};

export async function checkReadiness(o: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const draining = o.isDraining();
  const [migrations, redis] = await Promise.all([
    // One query answers both "the database is reachable" and "it is migrated".
    within(appliedMigrations(o.db), timeoutMs),
    o.redis ? within(o.redis.ping(), timeoutMs) : undefined,
  ]);
  const checks: Readiness["checks"] = {
    database: migrations.ok ? "ok" : `error: ${migrations.error}`,
    migrations: !migrations.ok ? "unknown" : migrations.value >= o.migrations ? "ok" : `pending: ${o.migrations - migrations.value} of ${o.migrations}`,
  };
  if (redis) checks.redis = redis.ok ? "ok" : `error: ${redis.error}`;
  const ready = !draining && Object.values(checks).every((c) => c === "ok");
  return { ready, draining, checks };
}

/** Migrations recorded as applied (Prisma's table; the same on SQLite and PostgreSQL). */
async function appliedMigrations(db: Db): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return Number(rows[0]?.n ?? 0);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

async function within<T>(p: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer in ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([p.then((value): Outcome<T> => ({ ok: true, value })), timeout]);
  } catch (err) {
    // The message names what failed (e.g. ECONNREFUSED), never a password: URLs are not in driver errors' first line.
    return { ok: false, error: (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
