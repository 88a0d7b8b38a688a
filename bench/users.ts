// Shared by the benchmarks that need many signed-in users (B1 signaling, B6
// reconnect storm): a SQLite database seeded in one transaction with N users,
// a Session row each (server/auth/sessions.ts) and the next-auth cookie that
// names it, each user with 4 accepted contacts (i±1, i±2); and the raised
// file-descriptor limit that 10,000 sockets need.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { encode } from "next-auth/jwt";
import { hashPassword } from "../server/auth/password";
import { newSessionId } from "../server/auth/sessions";
import { pairKey } from "../server/authz";
import { migrateSqlite, sqlitePathFromUrl } from "../server/db/migrate";

export type Seed = { dbUrl: string; secret: string; users: { id: string; cookie: string }[]; edges: [number, number][] };

/** Seeds `<dir>/<file>` (a fresh SQLite database, migrated) with n users. */
export async function seedUsers(dir: string, n: number, file = "bench.db"): Promise<Seed> {
  const dbUrl = `file:${path.join(dir, file)}`;
  migrateSqlite(dbUrl);
  const secret = randomBytes(32).toString("base64url");
  // argon2 for 10,000 users would take minutes: every user gets the same (real) hash.
  const hash = await hashPassword("bench-password-123");
  const now = new Date().toISOString().replace("Z", "+00:00");
  const ids = Array.from({ length: n }, () => `c${randomBytes(12).toString("hex")}`);
  const edges: [number, number][] = [];
  for (let i = 0; i < n; i++) for (const d of [1, 2]) if (i + d < n) edges.push([i, i + d]);
  const sqlite = new Database(sqlitePathFromUrl(dbUrl));
  const addUser = sqlite.prepare(`INSERT INTO "User" (id, email, name, passwordHash, createdAt, missedSeenAt) VALUES (?, ?, ?, ?, ?, ?)`);
  const addContact = sqlite.prepare(
    `INSERT INTO "Contact" (id, pairKey, requesterId, addresseeId, status, createdAt, respondedAt) VALUES (?, ?, ?, ?, 'accepted', ?, ?)`,
  );
  // Each user signed in once: the Session row its cookie names (server/auth/sessions.ts).
  const sids = ids.map(() => newSessionId());
  const addSession = sqlite.prepare(`INSERT INTO "Session" (id, userId, createdAt, lastSeenAt, userAgent, ip) VALUES (?, ?, ?, ?, 'bench', '127.0.0.1')`);
  sqlite.transaction(() => {
    ids.forEach((id, i) => addUser.run(id, `user${i}@bench.test`, `Bench user ${i}`, hash, now, now));
    ids.forEach((id, i) => addSession.run(sids[i]!, id, now, now));
    for (const [a, b] of edges) addContact.run(`k${randomBytes(12).toString("hex")}`, pairKey(ids[a]!, ids[b]!), ids[a]!, ids[b]!, now, now);
  })();
  sqlite.close();
  const users = await Promise.all(
    ids.map(async (id, i) => ({ id, cookie: `next-auth.session-token=${await encode({ token: { sub: id, name: `Bench user ${i}`, sid: sids[i] }, secret })}` })),
  );
  return { dbUrl, secret, users, edges };
}

/**
 * 10,000 sockets need more than the usual 1,024 file descriptors: re-executes
 * this script under a raised limit (once; the child sees DIALTONE_BENCH_ULIMIT=1)
 * and exits with its status. Call first thing at the top of a benchmark.
 */
export function reexecWithRaisedFdLimit(): void {
  if (process.env.DIALTONE_BENCH_ULIMIT === "1") return;
  const r = spawnSync(
    "bash",
    ["-c", 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', "bash", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, DIALTONE_BENCH_ULIMIT: "1" } },
  );
  process.exit(r.status ?? 1);
}
