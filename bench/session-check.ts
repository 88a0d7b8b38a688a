// B5 session check: what the server-known sessions (server/auth/sessions.ts)
// add to each signaling handshake. 10,000 users, each signed in once (a
// Session row), on a SQLite file set up as in production (WAL,
// synchronous=NORMAL), then on PostgreSQL when its binaries are installed (a
// throwaway cluster, tests/support/postgres.ts); per handshake, in the same process:
//   decrypt      the session cookie's JWT (next-auth's getToken): every handshake paid it before and still does
//   before       the check the handshake made until now: the user still exists, one batched query per burst
//   miss         the session check when its cache does not have it: one batched, indexed read per burst
//   hit          the session check answered by its cache (a reconnect within a minute)
// each for bursts of 1, 100 and 1,000 handshakes arriving together (a reload;
// a node's restart), as wall time and as CPU time per handshake. Writes
// bench/results/session-check.json.
//   node --import tsx bench/session-check.ts [--quick] [--users 10000]
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { userFromCookieHeader } from "../server/auth/session-cookie";
import { newSessionId, SessionChecker } from "../server/auth/sessions";
import { createDb, type Db } from "../server/db/client";
import { migrate, migrateSqlite, sqlitePathFromUrl } from "../server/db/migrate";
import { createTestDatabase, findPostgresBinDir, POSTGRES_INSTALL_HINT, startPostgres } from "../tests/support/postgres";
import { flag, has } from "./args";

const quick = has("--quick");
const USERS = Number(flag("--users")) || 10_000;
/** Handshakes measured per burst size and method (whole bursts). */
const HANDSHAKES = quick ? 2_000 : 6_000;
const BURSTS = [1, 100, 1_000];

type Row = { db: "sqlite" | "postgresql"; method: string; burst: number; wallUs: number; cpuUs: number; n: number };

type Seeded = { db: Db; users: { id: string; name: string; sid: string }[] };

function makeUsers() {
  return Array.from({ length: USERS }, (_, i) => ({ id: `c${randomBytes(12).toString("hex")}`, name: `User ${i}`, sid: newSessionId() }));
}

async function seedSqlite(dir: string): Promise<Seeded> {
  const url = `file:${path.join(dir, "sessions.db")}`;
  migrateSqlite(url);
  const users = makeUsers();
  const now = new Date().toISOString().replace("Z", "+00:00");
  const raw = new Database(sqlitePathFromUrl(url));
  const addUser = raw.prepare(`INSERT INTO "User" (id, email, name, passwordHash, createdAt, missedSeenAt) VALUES (?, ?, ?, 'x', ?, ?)`);
  const addSession = raw.prepare(`INSERT INTO "Session" (id, userId, createdAt, lastSeenAt) VALUES (?, ?, ?, ?)`);
  raw.transaction(() => {
    users.forEach((u, i) => {
      addUser.run(u.id, `u${i}@bench.test`, u.name, now, now);
      addSession.run(u.sid, u.id, now, now);
    });
  })();
  raw.close();
  const db = createDb(url);
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  return { db, users };
}

async function seedPostgres(url: string): Promise<Seeded> {
  await migrate(url);
  const users = makeUsers();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < users.length; i += 1_000) {
      const chunk = users.slice(i, i + 1_000);
      await client.query(`INSERT INTO "User" (id, email, name, "passwordHash") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`, [
        chunk.map((u) => u.id),
        chunk.map((u) => `${u.id}@bench.test`),
        chunk.map((u) => u.name),
        chunk.map(() => "x"),
      ]);
      await client.query(`INSERT INTO "Session" (id, "userId") SELECT * FROM unnest($1::text[], $2::text[])`, [chunk.map((u) => u.sid), chunk.map((u) => u.id)]);
    }
  } finally {
    await client.end();
  }
  return { db: createDb(url), users };
}

async function run(kind: "sqlite" | "postgresql", { db, users }: Seeded, secret: string, cookies: string[], rows: Row[]) {
  /** The handshake's user check until now (the batch server/signaling/index.ts made before sessions were server-known). */
  const userBatch = (d: Db) => {
    let pending = new Map<string, ((found: unknown) => void)[]>();
    let scheduled = false;
    return (id: string) =>
      new Promise<unknown>((resolve) => {
        let waiting = pending.get(id);
        if (!waiting) pending.set(id, (waiting = []));
        waiting.push(resolve);
        if (scheduled) return;
        scheduled = true;
        setImmediate(async () => {
          scheduled = false;
          const batch = pending;
          pending = new Map();
          const found = await d.user.findMany({ where: { id: { in: [...batch.keys()] } }, select: { id: true, name: true } });
          const byId = new Map(found.map((r) => [r.id, r]));
          for (const [key, resolvers] of batch) for (const r of resolvers) r(byId.get(key) ?? null);
        });
      });
  };

  /** Runs `one(i)` for HANDSHAKES handshakes, `burst` at a time (all of a burst started together). */
  async function measure(method: string, burst: number, one: (i: number) => Promise<unknown>, prepare?: () => void) {
    prepare?.();
    // Warm-up: the statements are prepared, the JIT has seen the path.
    await Promise.all(Array.from({ length: Math.min(burst, 50) }, (_, i) => one(USERS - 1 - i)));
    prepare?.();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    let offset = 0;
    while (n < HANDSHAKES) {
      const start = offset;
      await Promise.all(Array.from({ length: burst }, (_, k) => one((start + k) % (USERS - 100))));
      offset += burst;
      n += burst;
    }
    const cpu = process.cpuUsage(c0);
    const row = { db: kind, method, burst, n, wallUs: ((performance.now() - t0) * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
    rows.push(row);
    console.log(`  ${kind.padEnd(10)} ${method.padEnd(8)} burst ${String(burst).padStart(5)}: ${row.wallUs.toFixed(1).padStart(7)} µs wall, ${row.cpuUs.toFixed(1).padStart(7)} µs CPU per handshake`);
  }

  for (const burst of BURSTS) {
    await measure("decrypt", burst, (i) => userFromCookieHeader(cookies[i % cookies.length], secret, false));
    const before = userBatch(db);
    await measure("before", burst, (i) => before(users[i]!.id));
    // A fresh checker per pass (nothing cached), whose ids are never repeated within the pass.
    let cold = new SessionChecker();
    await measure("miss", burst, (i) => cold.check(db, users[i]!.id, users[i]!.sid), () => (cold = new SessionChecker()));
    const warm = new SessionChecker();
    await Promise.all(users.map((u) => warm.check(db, u.id, u.sid)));
    await measure("hit", burst, (i) => warm.check(db, users[i]!.id, users[i]!.sid));
  }
  const at = (method: string, burst: number) => rows.find((r) => r.db === kind && r.method === method && r.burst === burst)!;
  console.log(`\n[session-check] ${kind}: what the session check costs per handshake (CPU), against the user check it replaced:`);
  for (const burst of BURSTS) {
    const [miss, hit, before, decrypt] = [at("miss", burst), at("hit", burst), at("before", burst), at("decrypt", burst)];
    console.log(
      `  burst ${String(burst).padStart(5)}: miss ${miss.cpuUs.toFixed(1)} µs, hit ${hit.cpuUs.toFixed(1)} µs (before: ${before.cpuUs.toFixed(1)} µs; decrypting the cookie: ${decrypt.cpuUs.toFixed(1)} µs)`,
    );
  }
  console.log("");
  await db.$disconnect();
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-sessions-"));
  const secret = randomBytes(32).toString("base64url");
  const rows: Row[] = [];
  let skipped: string | undefined;
  console.log(`[session-check] ${USERS} users with a session each; ${HANDSHAKES} handshakes per row`);
  try {
    const sqlite = await seedSqlite(dir);
    const cookiesFor = (users: Seeded["users"]) =>
      Promise.all(users.slice(0, 2_000).map(async (u) => `next-auth.session-token=${await encode({ token: { sub: u.id, name: u.name, sid: u.sid }, secret })}`));
    await run("sqlite", sqlite, secret, await cookiesFor(sqlite.users), rows);
    if (findPostgresBinDir()) {
      const cluster = await startPostgres();
      try {
        const created = await createTestDatabase(cluster.url);
        const postgres = await seedPostgres(created.url);
        await run("postgresql", postgres, secret, await cookiesFor(postgres.users), rows);
      } finally {
        cluster.stop();
      }
    } else {
      skipped = `PostgreSQL variant skipped: no initdb/pg_ctl found (${POSTGRES_INSTALL_HINT})`;
      console.log(skipped);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  await fs.mkdir("bench/results", { recursive: true });
  await fs.writeFile(
    "bench/results/session-check.json",
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, users: USERS, handshakes: HANDSHAKES, skipped, rows }, null, 2),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
