// The migration runner on PostgreSQL (the SQLite twin is migrate.test.ts):
// applies each committed migration once, records it the way Prisma does,
// refuses a migration that changed after it was applied, rolls back a failing
// one, and applies exactly once when several nodes start together (advisory lock).
// Runs in `npm run test:integration:pg` (DIALTONE_TEST_DB=postgres), which
// provides a throwaway cluster; skipped in the SQLite run.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createDb } from "../../server/db/client";
import { migrate, migratePostgres, POSTGRES_MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS_DIR, SQLITE_MIGRATIONS_DIR } from "../../server/db/migrate";
import { createTestDatabase } from "../support/postgres";
import { TEST_DB } from "./harness";

const skip = TEST_DB !== "postgres" ? "PostgreSQL only: runs in `npm run test:integration:pg`" : false;

describe("migratePostgres", { skip }, () => {
  let dir: string;
  const dbs: { drop: () => Promise<void> }[] = [];
  const fresh = async () => {
    const created = await createTestDatabase(process.env.DIALTONE_TEST_PG_URL!);
    dbs.push(created);
    return created.url;
  };
  const query = async <T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-migrate-pg-"));
  });
  after(async () => {
    for (const db of dbs) await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const committed = fs
    .readdirSync(POSTGRES_MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  test("a fresh database gets every migration, a second run none, and _prisma_migrations holds their checksums", async () => {
    const url = await fresh();
    assert.deepEqual(await migrate(url), { applied: committed, total: committed.length });
    assert.deepEqual(await migrate(url), { applied: [], total: committed.length });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; started_at: Date }>(
      url,
      `SELECT * FROM "_prisma_migrations"`,
    );
    assert.equal(rows.length, committed.length);
    for (const name of committed) {
      const row = rows.find((r) => r.migration_name === name);
      assert.ok(row, name);
      const sql = fs.readFileSync(path.join(POSTGRES_MIGRATIONS_DIR, name, "migration.sql"), "utf8");
      assert.equal(row.checksum, createHash("sha256").update(sql).digest("hex"));
      assert.ok(row.finished_at instanceof Date && row.finished_at >= row.started_at);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
    }

    const tables = (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).map((t) => t.tablename);
    for (const t of ["User", "Contact", "Block", "Call", "Session", "CallQuality", "_prisma_migrations"]) assert.ok(tables.includes(t), `table ${t}`);
    // Prisma's names, as in the SQLite migration (the unit parity test compares the SQL files).
    const indexes = (await query<{ indexname: string }>(url, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`)).map((i) => i.indexname);
    for (const i of ["User_pkey", "User_email_key", "Block_pkey", "Call_calleeId_createdAt_id_idx", "Call_status_ringExpiresAt_idx", "Session_pkey", "Session_userId_idx", "CallQuality_pkey", "CallQuality_userId_idx"]) {
      assert.ok(indexes.includes(i), `index ${i}`);
    }
    const fks = await query<{ conname: string; confdeltype: string; confupdtype: string }>(
      url,
      `SELECT conname, confdeltype::text, confupdtype::text FROM pg_constraint WHERE contype = 'f' ORDER BY conname`,
    );
    assert.equal(fks.length, 9);
    for (const fk of fks) assert.deepEqual([fk.confdeltype, fk.confupdtype], ["c", "c"], `${fk.conname} cascades`);
    const types = await query<{ column_name: string; data_type: string; datetime_precision: number | null }>(
      url,
      `SELECT column_name, data_type, datetime_precision FROM information_schema.columns WHERE table_name = 'Call' AND column_name IN ('id', 'createdAt')`,
    );
    assert.deepEqual(
      types.sort((a, b) => a.column_name.localeCompare(b.column_name)),
      [
        { column_name: "createdAt", data_type: "timestamp without time zone", datetime_precision: 3 },
        { column_name: "id", data_type: "text", datetime_precision: null },
      ],
    );
  });

  test("the generated PostgreSQL client works against the migrated schema", async () => {
    const url = await fresh();
    await migrate(url);
    const db = createDb(url);
    try {
      const user = await db.user.create({ data: { email: "m@x.io", name: "M", passwordHash: "x" } });
      assert.equal((await db.user.findUniqueOrThrow({ where: { email: "m@x.io" } })).id, user.id);
      await assert.rejects(db.user.create({ data: { email: "m@x.io", name: "M2", passwordHash: "x" } }), (err: { code?: string }) => err.code === "P2002");
      assert.equal(typeof (await db.user.count()), "number");
    } finally {
      await db.$disconnect();
    }
  });

  test("two nodes starting at once: the advisory lock lets exactly one apply each migration", async () => {
    // A slow migration widens the window in which both would otherwise see it as pending.
    const migrations = path.join(dir, "concurrent");
    fs.cpSync(POSTGRES_MIGRATIONS_DIR, migrations, { recursive: true });
    fs.mkdirSync(path.join(migrations, "29990101000000_slow"));
    fs.writeFileSync(path.join(migrations, "29990101000000_slow", "migration.sql"), `SELECT pg_sleep(0.3);\nCREATE TABLE "Slow" ("id" TEXT NOT NULL);\n`);
    const url = await fresh();
    const results = await Promise.all([migratePostgres(url, migrations), migratePostgres(url, migrations), migratePostgres(url, migrations)]);
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, [...committed, "29990101000000_slow"].sort(), "each migration applied once in all");
    assert.equal(results.filter((r) => r.applied.length > 0).length, 1, "one runner applied them all");
    const rows = await query<{ migration_name: string; n: string }>(url, `SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name`);
    assert.equal(rows.length, committed.length + 1);
    for (const r of rows) assert.equal(r.n, "1", r.migration_name);
    // The lock is released afterwards (the session that held it is gone).
    const held = await query(url, `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [POSTGRES_MIGRATION_LOCK_KEY]);
    assert.equal(held.length, 0);
  });

  test("a runner waits while another holds the lock", async () => {
    const url = await fresh();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [POSTGRES_MIGRATION_LOCK_KEY]);
      let done = false;
      const run = migrate(url).then((r) => {
        done = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(done, false, "migrate() must wait for the lock");
      await holder.query("SELECT pg_advisory_unlock($1)", [POSTGRES_MIGRATION_LOCK_KEY]);
      assert.deepEqual((await run).applied, committed);
    } finally {
      await holder.end();
    }
  });

  test("new migrations apply in order; an applied migration that changed is refused", async () => {
    const migrations = path.join(dir, "evolving");
    fs.cpSync(POSTGRES_MIGRATIONS_DIR, migrations, { recursive: true });
    const url = await fresh();
    assert.equal((await migratePostgres(url, migrations)).applied.length, committed.length);

    fs.mkdirSync(path.join(migrations, "29990101000000_add_note"));
    fs.writeFileSync(path.join(migrations, "29990101000000_add_note", "migration.sql"), `ALTER TABLE "User" ADD COLUMN "note" TEXT;\n`);
    assert.deepEqual(await migratePostgres(url, migrations), { applied: ["29990101000000_add_note"], total: committed.length + 1 });

    fs.appendFileSync(path.join(migrations, committed[0]!, "migration.sql"), "\n-- edited after the fact\n");
    await assert.rejects(migratePostgres(url, migrations), /checksum mismatch/);
  });

  test("a failing migration rolls back and is not recorded", async () => {
    const migrations = path.join(dir, "broken");
    fs.mkdirSync(path.join(migrations, "20000101000000_broken"), { recursive: true });
    fs.writeFileSync(path.join(migrations, "20000101000000_broken", "migration.sql"), `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nTHIS IS NOT SQL;\n`);
    const url = await fresh();
    await assert.rejects(migratePostgres(url, migrations), /20000101000000_broken failed and was rolled back/);
    assert.deepEqual(await query(url, `SELECT * FROM "_prisma_migrations"`), []);
    assert.deepEqual(await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'Half'`), []);
  });

  test("an unreachable server is a readable error that hides the password", async () => {
    await assert.rejects(migrate("postgres://dialtone:s3cret@127.0.0.1:1/dialtone"), (err: Error) => {
      assert.match(err.message, /^Cannot connect to PostgreSQL at postgres:\/\/dialtone:\*\*\*@127\.0\.0\.1:1\/dialtone: /);
      assert.ok(!err.message.includes("s3cret"));
      return true;
    });
  });

  test("SQLite migrations are refused for a PostgreSQL URL (migration_lock.toml)", async () => {
    const url = await fresh();
    await assert.rejects(migratePostgres(url, SQLITE_MIGRATIONS_DIR), /holds sqlite migrations, but DATABASE_URL is a postgresql database/);
  });

  test("timestamps the database fills in are UTC, like the ones Prisma writes, whatever the server's TimeZone", async () => {
    // The throwaway cluster runs with TimeZone=Pacific/Chatham (UTC+12:45/+13:45) on purpose.
    const url = await fresh();
    await migrate(url);
    const [setting] = await query<{ tz: string }>(url, `SELECT current_setting('TimeZone') AS tz`);
    assert.notEqual(setting?.tz, "UTC");
    const db = createDb(url);
    try {
      const viaPrisma = await db.user.create({ data: { email: "p@x.io", name: "P", passwordHash: "x" } });
      await db.$executeRaw`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES ('raw-default', 'r@x.io', 'R', 'x')`;
      const viaDefault = await db.user.findUniqueOrThrow({ where: { id: "raw-default" } });
      for (const d of [viaPrisma.createdAt, viaDefault.createdAt, viaDefault.missedSeenAt]) {
        assert.ok(Math.abs(d.getTime() - Date.now()) < 60_000, `${d.toISOString()} is not now`);
      }
    } finally {
      await db.$disconnect();
    }
  });
});
