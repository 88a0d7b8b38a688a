// B3 history at scale: 1,000,000 call rows across 10,000 users (every answered
// call with both sides' quality levels on its row, which the page shows), then the
// history page of a heavy user (~20,000 calls): the first page and a deep page
// (keyset cursor ~5,000 entries down), through the app's own function
// (listHistory, server/history/service.ts, on the app's own client: Prisma on
// PostgreSQL; on SQLite the client's read-only connection, server/db/
// sqlite-reader.ts, running the same SQL text Prisma would) against the floor: the bare
// indexed SQL through the raw driver (better-sqlite3 / pg) on the same database
// in the same run: a UNION of the caller-side and callee-side index scans,
// ordered by createdAt desc, id desc, LIMIT 51. Prints every query plan
// (EXPLAIN) and fails if any history query scans the whole Call table or uses
// OFFSET. SQLite always; PostgreSQL too when its binaries are installed (a
// throwaway cluster, tests/support/postgres.ts). Writes bench/results/history.json.
//   node --import tsx bench/history.ts [--quick] [--rows 1000000] [--users 10000] [--repeats 5]
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";
import { createDb } from "../server/db/client";
import { PrismaClient as PostgresPrismaClient } from "../server/db/generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "../server/db/generated/sqlite/client";
import { migrate, sqlitePathFromUrl } from "../server/db/migrate";
import { listHistory, PAGE_SIZE } from "../server/history/service";
import { createTestDatabase, findPostgresBinDir, POSTGRES_INSTALL_HINT, startPostgres } from "../tests/support/postgres";
import { summarise } from "./stats";
import { flag, has } from "./args";

const quick = has("--quick");
const ROWS = Number(flag("--rows")) || 1_000_000;
const USERS = Number(flag("--users")) || 10_000;
const REPEATS = Number(flag("--repeats")) || (quick ? 3 : 5);
const ITERATIONS = quick ? 100 : 200; // timed calls of each query per repeat
const HEAVY_SHARE = 0.02; // the heavy user takes part in 2% of all calls
const DEEP = 5_000; // the deep page starts this many entries down
const OUTCOMES = ["completed", "completed", "completed", "missed", "declined", "cancelled", "busy", "failed"] as const;
const REASONS: Record<string, string> = {
  completed: "hangup",
  missed: "ring_timeout",
  declined: "declined",
  cancelled: "cancelled",
  busy: "callee_busy",
  failed: "connection_lost",
};

// ── the data, generated once and loaded into each database ─────────────────
type Data = {
  users: string[];
  ids: string[];
  caller: Int32Array;
  callee: Int32Array;
  createdAt: Float64Array;
  outcome: Uint8Array;
};

function generate(): Data {
  const users = Array.from({ length: USERS }, () => `c${randomBytes(12).toString("hex")}`);
  const caller = new Int32Array(ROWS);
  const callee = new Int32Array(ROWS);
  const createdAt = new Float64Array(ROWS);
  const outcome = new Uint8Array(ROWS);
  const ids: string[] = new Array<string>(ROWS);
  const start = Date.now() - 365 * 24 * 3600_000;
  const step = (365 * 24 * 3600_000) / ROWS;
  const other = (not: number) => {
    for (;;) {
      const u = 1 + Math.floor(Math.random() * (USERS - 1));
      if (u !== not) return u;
    }
  };
  for (let i = 0; i < ROWS; i++) {
    ids[i] = `c${randomBytes(12).toString("hex")}`;
    if (Math.random() < HEAVY_SHARE) {
      const peer = other(0);
      [caller[i], callee[i]] = Math.random() < 0.5 ? [0, peer] : [peer, 0];
    } else {
      const a = other(0);
      caller[i] = a;
      callee[i] = other(a);
    }
    createdAt[i] = Math.floor(start + i * step + Math.random() * step * 0.5);
    outcome[i] = Math.floor(Math.random() * OUTCOMES.length);
  }
  return { users, ids, caller, callee, createdAt, outcome };
}

/** Column values of row i, as Prisma would store them (dates as Date). */
function row(d: Data, i: number) {
  const created = d.createdAt[i]!;
  const outcome = OUTCOMES[d.outcome[i]!]!;
  const answered = outcome === "completed" || outcome === "failed";
  return {
    id: d.ids[i]!,
    callerId: d.users[d.caller[i]!]!,
    calleeId: d.users[d.callee[i]!]!,
    kind: i % 5 === 0 ? "audio" : "video",
    status: "ended",
    outcome,
    endReason: REASONS[outcome]!,
    endedById: outcome === "completed" ? d.users[d.caller[i]!]! : null,
    createdAt: new Date(created),
    ringExpiresAt: new Date(created + 45_000),
    answeredAt: answered ? new Date(created + 4_000) : null,
    endedAt: new Date(created + (answered ? 4_000 + ((i * 7919) % 3_600_000) : 20_000)),
  };
}

const COLUMNS = ["id", "callerId", "calleeId", "kind", "status", "outcome", "endReason", "endedById", "createdAt", "ringExpiresAt", "answeredAt", "endedAt"];

/** Both sides of every answered call sent a quality record: its short form is on the call row, which the page reads. */
const SEED_QUALITY = [`UPDATE "Call" SET "callerLevel" = 'good', "calleeLevel" = 'good' WHERE "answeredAt" IS NOT NULL`];

async function seedSqlite(url: string, d: Data): Promise<void> {
  const db = new Database(sqlitePathFromUrl(url));
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  // Prisma's SQLite adapter stores DateTime as ISO 8601 text with "+00:00".
  const iso = (v: Date | null) => (v ? v.toISOString().replace("Z", "+00:00") : null);
  const now = iso(new Date());
  const addUser = db.prepare(`INSERT INTO "User" (id, email, name, passwordHash, createdAt, missedSeenAt) VALUES (?, ?, ?, 'x', ?, ?)`);
  db.transaction(() => d.users.forEach((id, i) => addUser.run(id, `user${i}@bench.test`, `Bench user ${i}`, now, now)))();
  const addCall = db.prepare(`INSERT INTO "Call" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = row(d, i);
      addCall.run(r.id, r.callerId, r.calleeId, r.kind, r.status, r.outcome, r.endReason, r.endedById, iso(r.createdAt), iso(r.ringExpiresAt), iso(r.answeredAt), iso(r.endedAt));
    }
  });
  for (let i = 0; i < ROWS; i += 100_000) batch(i, Math.min(ROWS, i + 100_000));
  for (const q of SEED_QUALITY) db.exec(q);
  db.exec("ANALYZE");
  db.pragma("synchronous = NORMAL");
  db.close();
}

async function seedPostgres(url: string, d: Data): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "User" (id, email, name, "passwordHash") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [d.users, d.users.map((_, i) => `user${i}@bench.test`), d.users.map((_, i) => `Bench user ${i}`), d.users.map(() => "x")],
    );
    const types = ["text", "text", "text", "text", "text", "text", "text", "text", "timestamp(3)", "timestamp(3)", "timestamp(3)", "timestamp(3)"];
    const sql = `INSERT INTO "Call" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) SELECT * FROM unnest(${types.map((t, k) => `$${k + 1}::${t}[]`).join(", ")})`;
    const BATCH = 50_000;
    for (let from = 0; from < ROWS; from += BATCH) {
      const cols: unknown[][] = COLUMNS.map(() => []);
      for (let i = from; i < Math.min(ROWS, from + BATCH); i++) {
        const r = row(d, i) as Record<string, unknown>;
        // Prisma stores TIMESTAMP(3) as UTC wall time: send the UTC text, whatever the session time zone is.
        COLUMNS.forEach((c, k) => cols[k]!.push(r[c] instanceof Date ? (r[c] as Date).toISOString().replace("T", " ").replace("Z", "") : r[c]));
      }
      await client.query(sql, cols);
    }
    for (const q of SEED_QUALITY) await client.query(q);
    await client.query(`VACUUM ANALYZE "Call"`);
    await client.query(`ANALYZE "User"`);
  } finally {
    await client.end();
  }
}

// ── the floor: the bare indexed SQL through the raw driver ─────────────────
const SELECT_COLUMNS = `"id", "callerId", "calleeId", "kind", "status", "outcome", "createdAt", "answeredAt", "endedAt"`;
function bareSql(kind: "sqlite" | "postgresql", keyset: boolean): string {
  const p = kind === "sqlite" ? ["@u", "@t", "@i"] : ["$1", "$2", "$3"];
  const limit = PAGE_SIZE + 1;
  const side = (col: string) =>
    `SELECT ${SELECT_COLUMNS} FROM "Call" WHERE "${col}" = ${p[0]} AND "status" = 'ended'` +
    (keyset ? ` AND "createdAt" <= ${p[1]} AND ("createdAt" < ${p[1]} OR "id" < ${p[2]})` : "") +
    ` ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
  return `SELECT * FROM (${side("callerId")}) AS a UNION ALL SELECT * FROM (${side("calleeId")}) AS b ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
}

type Timed = { app: number[]; bare: number[] };
type PlanReport = { sql: string; plan: string[]; scansCall: boolean; offset: boolean };
type DbResult = {
  database: string;
  seedSeconds: number;
  heavyCalls: number;
  firstPage: { appMs: [number, number, number]; bareMs: [number, number, number]; ratio: number };
  deepPage: { appMs: [number, number, number]; bareMs: [number, number, number]; ratio: number };
  plans: PlanReport[];
  problems: string[];
};

/** OFFSET with anything but 0 (Prisma's typed queries always say `OFFSET ?` and bind 0). */
function usesOffset(sql: string, params: unknown[]): boolean {
  const m = /\bOFFSET\s+(\?|\$(\d+)|\d+)/i.exec(sql);
  if (!m) return false;
  if (m[2]) return Number(params[Number(m[2]) - 1]) !== 0;
  if (m[1] === "?") return Number(params[(sql.slice(0, m.index).match(/\?/g) ?? []).length]) !== 0;
  return Number(m[1]) !== 0;
}

const mmm = (xs: number[]): [number, number, number] => [Math.min(...xs), summarise(xs).p50, Math.max(...xs)];

/** Times app vs bare, interleaved call by call so machine noise hits both alike. */
async function timeBoth(app: () => Promise<unknown>, bare: () => Promise<unknown>): Promise<Timed> {
  for (let i = 0; i < 20; i++) {
    await app();
    await bare();
  }
  const out: Timed = { app: [], bare: [] };
  for (let r = 0; r < REPEATS; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      let t = performance.now();
      await app();
      a.push(performance.now() - t);
      t = performance.now();
      await bare();
      b.push(performance.now() - t);
    }
    out.app.push(summarise(a).p50);
    out.bare.push(summarise(b).p50);
  }
  return out;
}

/** Same results from both: the bare query is a fair floor only if it returns what the page shows. */
function sameIds(appIds: string[], bareIds: string[], what: string, problems: string[]) {
  const a = appIds.slice(0, PAGE_SIZE).join(",");
  const b = bareIds.slice(0, PAGE_SIZE).join(",");
  if (a !== b) problems.push(`${what}: listHistory and the bare query return different rows`);
}

async function benchDatabase(kind: "sqlite" | "postgresql", url: string, d: Data, seedSeconds: number): Promise<DbResult> {
  const problems: string[] = [];
  const heavy = d.users[0]!;
  let heavyCalls = 0;
  for (let i = 0; i < ROWS; i++) if (d.caller[i] === 0 || d.callee[i] === 0) heavyCalls++;

  // The app's own client (timed), and a second one that logs the SQL listHistory runs (for EXPLAIN;
  // built without createDb, so it has no SQLite reader and runs that same SQL through Prisma).
  const db = createDb(url);
  const logged: { query: string; params: string }[] = [];
  const logging =
    kind === "sqlite"
      ? new SqlitePrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqlitePathFromUrl(url) }), log: [{ emit: "event", level: "query" }] })
      : (new PostgresPrismaClient({
          adapter: new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC" }),
          log: [{ emit: "event", level: "query" }],
        }) as unknown as SqlitePrismaClient);
  type QueryEvents = { $on(event: "query", cb: (e: { query: string; params: string }) => void): void };
  (logging as unknown as QueryEvents).$on("query", (e) => logged.push({ query: e.query, params: e.params }));

  // The raw driver, for the floor and for EXPLAIN.
  const sqlite = kind === "sqlite" ? new Database(sqlitePathFromUrl(url), { readonly: true }) : undefined;
  const pgc = kind === "postgresql" ? new pg.Client({ connectionString: url, options: "-c TimeZone=UTC" }) : undefined;
  await pgc?.connect();
  const bareFirst = bareSql(kind, false);
  const bareDeep = bareSql(kind, true);
  const sqliteFirst = sqlite?.prepare(bareFirst);
  const sqliteDeep = sqlite?.prepare(bareDeep);
  const isoSqlite = (t: Date) => t.toISOString().replace("Z", "+00:00");
  const bare = async (before?: { createdAt: Date; id: string }): Promise<string[]> => {
    if (sqlite) {
      const rows = (before ? sqliteDeep!.all({ u: heavy, t: isoSqlite(before.createdAt), i: before.id }) : sqliteFirst!.all({ u: heavy })) as { id: string }[];
      return rows.map((r) => r.id);
    }
    const utc = (t: Date) => t.toISOString().replace("T", " ").replace("Z", "");
    const res = before
      ? await pgc!.query({ name: "deep", text: bareDeep, values: [heavy, utc(before.createdAt), before.id] })
      : await pgc!.query({ name: "first", text: bareFirst, values: [heavy] });
    return (res.rows as { id: string }[]).map((r) => r.id);
  };

  // The deep cursor: walk the app's own pages down to ~DEEP entries (keyset all the way).
  let before: { createdAt: Date; id: string } | undefined;
  for (let seen = 0; seen < DEEP; seen += PAGE_SIZE) {
    const page = await listHistory(db, heavy, before);
    const last = page.entries[page.entries.length - 1];
    if (!last || !page.nextCursor) break;
    before = { createdAt: new Date(last.startedAt), id: last.id };
  }
  if (!before) throw new Error("the heavy user has no deep page");
  const deepCursor = before;

  sameIds((await listHistory(db, heavy)).entries.map((e) => e.id), await bare(), "first page", problems);
  sameIds((await listHistory(db, heavy, deepCursor)).entries.map((e) => e.id), await bare(deepCursor), "deep page", problems);

  const first = await timeBoth(() => listHistory(db, heavy), () => bare());
  const deep = await timeBoth(() => listHistory(db, heavy, deepCursor), () => bare(deepCursor));

  // Plans: every statement listHistory runs (first and deep page), and the two bare queries.
  await listHistory(logging, heavy);
  await listHistory(logging, heavy, deepCursor);
  const statements: { sql: string; params: unknown[] }[] = logged.map((l) => ({ sql: l.query, params: JSON.parse(l.params) as unknown[] }));
  statements.push(
    { sql: bareFirst, params: sqlite ? [{ u: heavy }] : [heavy] },
    { sql: bareDeep, params: sqlite ? [{ u: heavy, t: isoSqlite(deepCursor.createdAt), i: deepCursor.id }] : [heavy, deepCursor.createdAt.toISOString(), deepCursor.id] },
  );
  const plans: PlanReport[] = [];
  for (const st of statements) {
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(st.sql)) continue;
    let plan: string[];
    if (sqlite) {
      // better-sqlite3 binds ?N by position; Prisma's SQL uses plain ? in order.
      const params = st.params.map((v) => (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? v.replace("Z", "+00:00") : v));
      plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...(params as never[])) as { detail: string }[]).map((r) => r.detail);
    } else {
      const res = await pgc!.query(`EXPLAIN ${st.sql}`, st.params);
      plan = (res.rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]);
    }
    const scansCall = plan.some((l) => (sqlite ? /\bSCAN "?Call"?\b/.test(l) : /Seq Scan on "?Call"?/.test(l)));
    const offset = usesOffset(st.sql, st.params);
    if (scansCall) problems.push(`a history query scans the whole Call table: ${st.sql.slice(0, 120)}…`);
    if (offset) problems.push(`a history query uses OFFSET: ${st.sql.slice(0, 120)}…`);
    plans.push({ sql: st.sql, plan, scansCall, offset });
  }

  await db.$disconnect();
  await logging.$disconnect();
  sqlite?.close();
  await pgc?.end();
  const result = (t: Timed) => ({ appMs: mmm(t.app), bareMs: mmm(t.bare), ratio: summarise(t.app).p50 / summarise(t.bare).p50 });
  return { database: kind === "sqlite" ? "SQLite" : "PostgreSQL", seedSeconds, heavyCalls, firstPage: result(first), deepPage: result(deep), plans, problems };
}

function print(r: DbResult) {
  const f = (x: [number, number, number]) => x.map((v) => v.toFixed(3)).join(" / ");
  console.log(`\nB3 history, ${r.database}: ${ROWS.toLocaleString("en")} calls, ${USERS.toLocaleString("en")} users; heavy user in ${r.heavyCalls.toLocaleString("en")} calls (seeded in ${r.seedSeconds.toFixed(1)} s)`);
  console.log(`median of ${ITERATIONS} calls per repeat; min / median / max over ${REPEATS} repeats`);
  console.log("page".padEnd(26), "listHistory (ms)".padStart(26), "bare SQL (ms)".padStart(26), "ratio".padStart(8));
  console.log("first page".padEnd(26), f(r.firstPage.appMs).padStart(26), f(r.firstPage.bareMs).padStart(26), `${r.firstPage.ratio.toFixed(2)}×`.padStart(8));
  console.log(`deep page (~${DEEP.toLocaleString("en")} down)`.padEnd(26), f(r.deepPage.appMs).padStart(26), f(r.deepPage.bareMs).padStart(26), `${r.deepPage.ratio.toFixed(2)}×`.padStart(8));
  console.log(`\nquery plans (${r.database}):`);
  for (const p of r.plans) {
    console.log(`  ${p.sql.replace(/\s+/g, " ").slice(0, 300)}${p.sql.length > 300 ? " …" : ""}`);
    for (const l of p.plan) console.log(`      ${l}`);
  }
  console.log(
    `P4 (${r.database}): first page ${r.firstPage.ratio.toFixed(2)}× the bare query (≤ 2×), keyset, no OFFSET, no full scan: ${
      r.firstPage.ratio <= 2 && r.problems.length === 0 ? "MET" : "NOT MET"
    }`,
  );
  for (const p of r.problems) console.log(`  problem: ${p}`);
}

async function main() {
  const started = performance.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-b3-"));
  const results: DbResult[] = [];
  let skipped: string | undefined;
  try {
    let t = performance.now();
    const d = generate();
    console.log(`generated ${ROWS.toLocaleString("en")} calls in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const sqliteUrl = `file:${path.join(dir, "history.db")}`;
    await migrate(sqliteUrl);
    t = performance.now();
    await seedSqlite(sqliteUrl, d);
    const sqliteSeed = (performance.now() - t) / 1000;
    const r1 = await benchDatabase("sqlite", sqliteUrl, d, sqliteSeed);
    print(r1);
    results.push(r1);
    await fs.rm(dir, { recursive: true, force: true });

    if (findPostgresBinDir()) {
      const cluster = await startPostgres();
      try {
        const created = await createTestDatabase(cluster.url);
        await migrate(created.url);
        t = performance.now();
        await seedPostgres(created.url, d);
        const r2 = await benchDatabase("postgresql", created.url, d, (performance.now() - t) / 1000);
        print(r2);
        results.push(r2);
      } finally {
        cluster.stop();
      }
    } else {
      skipped = `PostgreSQL variant skipped: no initdb/pg_ctl found (${POSTGRES_INSTALL_HINT})`;
      console.log(`\n${skipped}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nB3 took ${seconds.toFixed(0)} s`);
  await fs.mkdir("bench/results", { recursive: true });
  await fs.writeFile(
    "bench/results/history.json",
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, rows: ROWS, users: USERS, repeats: REPEATS, iterations: ITERATIONS, seconds, skipped, results }, null, 2),
  );
  if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});


