// The project's own migration runner (Prisma 7's CLI cannot migrate offline):
// applies each committed migration once, records it the way Prisma does, and
// refuses a migration that changed after it was applied.
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createDb } from "../../server/db/client";
import { migrateSqlite, SQLITE_MIGRATIONS_DIR } from "../../server/db/migrate";

describe("migrateSqlite", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-migrate-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const committed = fs
    .readdirSync(SQLITE_MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  test("the committed migrations (update this test when adding one)", () => {
    assert.deepEqual(committed, ["20261125000000_init", "20261207100000_sessions_and_account_deletion", "20261207110000_hide_ip", "20261207180000_call_quality"]);
  });

  test("a fresh file gets every migration, a second run none, and _prisma_migrations holds their checksums", () => {
    const url = `file:${path.join(dir, "nested", "fresh.db")}`;
    const first = migrateSqlite(url);
    assert.deepEqual(first, { applied: committed, total: committed.length });
    const second = migrateSqlite(url);
    assert.deepEqual(second, { applied: [], total: committed.length });

    const db = new Database(path.join(dir, "nested", "fresh.db"), { readonly: true });
    try {
      const rows = db.prepare(`SELECT * FROM "_prisma_migrations"`).all() as {
        migration_name: string;
        checksum: string;
        finished_at: string | null;
        rolled_back_at: string | null;
        applied_steps_count: number;
      }[];
      assert.equal(rows.length, committed.length);
      for (const [i, name] of committed.entries()) {
        const row = rows.find((r) => r.migration_name === name);
        assert.ok(row, name);
        const sql = fs.readFileSync(path.join(SQLITE_MIGRATIONS_DIR, committed[i]!, "migration.sql"), "utf8");
        assert.equal(row.checksum, createHash("sha256").update(sql).digest("hex"));
        assert.ok(row.finished_at);
        assert.equal(row.rolled_back_at, null);
        assert.equal(row.applied_steps_count, 1);
      }
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
      for (const t of ["User", "Contact", "Block", "Call", "Session", "_prisma_migrations"]) assert.ok(tables.includes(t), `table ${t}`);
      assert.equal((db.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
    } finally {
      db.close();
    }
  });

  test("a database migrated without the sessions migration (even with a later one applied) gets it in place: its users stay, not deleted, with no sessions", async () => {
    const sessions = "20261207100000_sessions_and_account_deletion";
    const old = path.join(dir, "before-sessions");
    fs.mkdirSync(old);
    for (const name of committed.filter((n) => n !== sessions)) fs.cpSync(path.join(SQLITE_MIGRATIONS_DIR, name), path.join(old, name), { recursive: true });
    const url = `file:${path.join(dir, "upgraded.db")}`;
    assert.deepEqual(migrateSqlite(url, old).applied, committed.filter((n) => n !== sessions));
    const raw = new Database(path.join(dir, "upgraded.db"));
    raw.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES ('u_old', 'old@x.io', 'Old', 'h')`).run();
    raw.close();
    assert.deepEqual(migrateSqlite(url).applied, [sessions]);
    const db = createDb(url);
    try {
      const user = await db.user.findUniqueOrThrow({ where: { id: "u_old" }, include: { sessions: true } });
      assert.deepEqual([user.name, user.deletedAt, user.sessions], ["Old", null, []]);
      await db.session.create({ data: { id: "s_old_0123456789abcd", userId: "u_old" } });
      // A session goes with its user (ON DELETE CASCADE).
      await db.user.delete({ where: { id: "u_old" } });
      assert.equal(await db.session.count(), 0);
    } finally {
      await db.$disconnect();
    }
  });

  test("the generated Prisma client works against the migrated schema", async () => {
    const url = `file:${path.join(dir, "client.db")}`;
    migrateSqlite(url);
    const db = createDb(url);
    try {
      const user = await db.user.create({ data: { email: "m@x.io", name: "M", passwordHash: "x" } });
      assert.equal((await db.user.findUniqueOrThrow({ where: { email: "m@x.io" } })).id, user.id);
      await assert.rejects(db.user.create({ data: { email: "m@x.io", name: "M2", passwordHash: "x" } }), (err: { code?: string }) => err.code === "P2002");
    } finally {
      await db.$disconnect();
    }
  });

  test("new migrations apply in order; an applied migration that changed is refused", () => {
    const migrations = path.join(dir, "migrations");
    fs.cpSync(SQLITE_MIGRATIONS_DIR, migrations, { recursive: true });
    const url = `file:${path.join(dir, "evolving.db")}`;
    assert.equal(migrateSqlite(url, migrations).applied.length, committed.length);

    fs.mkdirSync(path.join(migrations, "29990101000000_add_note"));
    fs.writeFileSync(path.join(migrations, "29990101000000_add_note", "migration.sql"), `ALTER TABLE "User" ADD COLUMN "note" TEXT;\n`);
    assert.deepEqual(migrateSqlite(url, migrations), { applied: ["29990101000000_add_note"], total: committed.length + 1 });

    fs.appendFileSync(path.join(migrations, committed[0]!, "migration.sql"), "\n-- edited after the fact\n");
    assert.throws(() => migrateSqlite(url, migrations), /checksum mismatch/);
  });

  test("a failing migration rolls back and is not recorded", () => {
    const migrations = path.join(dir, "broken");
    fs.mkdirSync(path.join(migrations, "20000101000000_broken"), { recursive: true });
    fs.writeFileSync(
      path.join(migrations, "20000101000000_broken", "migration.sql"),
      `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nTHIS IS NOT SQL;\n`,
    );
    const file = path.join(dir, "broken.db");
    assert.throws(() => migrateSqlite(`file:${file}`, migrations));
    const db = new Database(file, { readonly: true });
    try {
      assert.equal((db.prepare(`SELECT count(*) AS n FROM "_prisma_migrations"`).get() as { n: number }).n, 0);
      assert.equal(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'Half'`).get(), undefined);
    } finally {
      db.close();
    }
  });
});
