// server/db/sqlite-reader.ts: DateTime text read raw parses to the instant
// Prisma wrote (its adapter's "+00:00" ISO text, SQLite's zone-less UTC
// CURRENT_TIMESTAMP, epoch ms); statements bind values as the adapter does, so a
// Date compares equal to the text Prisma stored.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { Prisma } from "../../server/db/generated/sqlite/client";
import { isSqliteBusy, openSqliteReader, openSqliteWriter, sqliteDate } from "../../server/db/sqlite-reader";

/** A WAL database file in a temp dir with a plain connection to set it up; `done` closes it and removes the dir. */
function tempDatabase(): { file: string; plain: Database.Database; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-sqlite-unit-"));
  const file = path.join(dir, "t.db");
  const plain = new Database(file);
  plain.pragma("journal_mode = WAL");
  return {
    file,
    plain,
    done: () => {
      plain.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("sqlite reader", () => {
  test("sqliteDate reads every DateTime form SQLite holds as UTC", () => {
    const at = Date.UTC(2026, 0, 31, 23, 59, 58, 123);
    assert.equal(sqliteDate("2026-01-31T23:59:58.123+00:00").getTime(), at);
    assert.equal(sqliteDate("2026-01-31T23:59:58.123Z").getTime(), at);
    assert.equal(sqliteDate("2026-02-01T01:59:58.123+02:00").getTime(), at);
    assert.equal(sqliteDate("2026-01-31 23:59:58").getTime(), at - 123);
    assert.equal(sqliteDate(at).getTime(), at);
  });

  test("rows: arrays in column order, Dates bound as Prisma's ISO text, statements reused, read-only", () => {
    const { file, plain: rw, done } = tempDatabase();
    const reader = openSqliteReader(file);
    try {
      rw.exec(`CREATE TABLE t (id TEXT, at DATETIME)`);
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 5));
      rw.prepare(`INSERT INTO t VALUES ('a', ?), ('b', ?)`).run(at.toISOString().replace("Z", "+00:00"), "2026-01-02T00:00:00.000+00:00");
      const q = (before: Date) => Prisma.sql`SELECT id, at FROM t WHERE at < ${before} ORDER BY at DESC`;
      assert.deepEqual(reader.rows(q(new Date(Date.UTC(2026, 0, 2)))), [["a", "2026-01-01T00:00:00.005+00:00"]]);
      rw.prepare(`INSERT INTO t VALUES ('c', '2026-01-01T12:00:00.000+00:00')`).run();
      assert.deepEqual(reader.rows<[string, string]>(q(new Date(Date.UTC(2026, 0, 2)))).map(([id]) => id), ["c", "a"], "sees the commit");
      assert.throws(() => reader.rows(Prisma.sql`DELETE FROM t RETURNING id`), /readonly/i);
    } finally {
      reader.close();
      done();
    }
  });

  test("writer: runs statements with Dates bound as Prisma's ISO text, returns rows changed, visible to other connections", () => {
    const { file, plain: other, done } = tempDatabase();
    const writer = openSqliteWriter(file);
    try {
      other.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, status TEXT, at DATETIME)`);
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 5));
      assert.equal(writer.run(Prisma.sql`INSERT INTO t VALUES (${"a"}, ${"ringing"}, ${at})`), 1);
      assert.deepEqual(other.prepare(`SELECT id, status, at FROM t`).raw(true).all(), [["a", "ringing", "2026-01-01T00:00:00.005+00:00"]]);
      const move = (from: string) => Prisma.sql`UPDATE t SET status = ${"active"} WHERE id = ${"a"} AND status = ${from} AND at > ${new Date(Date.UTC(2025, 0, 1))}`;
      assert.equal(writer.run(move("ringing")), 1, "conditional update applies");
      assert.equal(writer.run(move("ringing")), 0, "and only once");
      assert.equal(writer.rows<[string]>(Prisma.sql`SELECT status FROM t`)[0]?.[0], "active");
      // Another connection holds the write lock: no waiting (that would block the event loop), SQLITE_BUSY at once.
      other.exec("BEGIN IMMEDIATE");
      const started = Date.now();
      assert.throws(() => writer.run(Prisma.sql`UPDATE t SET status = ${"ended"}`), (err: unknown) => isSqliteBusy(err));
      assert.ok(Date.now() - started < 200, "did not wait");
      other.exec("COMMIT");
      assert.equal(writer.run(Prisma.sql`UPDATE t SET status = ${"ended"}`), 1, "works again once released");
    } finally {
      writer.close();
      done();
    }
  });
});

describe("WAL checkpoints off the writer's thread", () => {
  test("the writer's commits never checkpoint; the worker does, within a few seconds", async () => {
    const { file, plain, done } = tempDatabase();
    plain.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`);
    const writer = openSqliteWriter(file);
    try {
      const pageSize = plain.pragma("page_size", { simple: true }) as number;
      // 3,000 commits in a tight loop: SQLite's default would checkpoint inside
      // the commit that takes the WAL past 1,000 pages, and the WAL would then
      // start again from its beginning.
      for (let i = 0; i < 3_000; i++) writer.run(Prisma.sql`INSERT INTO t (v) VALUES (${`row ${i}`})`);
      const walPages = fs.statSync(`${file}-wal`).size / pageSize;
      assert.ok(walPages > 2_000, `the WAL holds every commit (${walPages.toFixed(0)} pages): nothing checkpointed inside a commit`);
      const checkpointed = await new Promise<number[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no checkpoint within 5 s")), 5_000);
        writer.checkpointer!.onCheckpoint = (r) => {
          if (r[2] < r[1]) return;
          clearTimeout(timer);
          resolve(r);
        };
      });
      assert.ok(checkpointed[1]! > 2_000, `the worker checkpointed the whole WAL (${checkpointed.join(", ")})`);
      assert.equal((plain.prepare(`SELECT count(*) AS n FROM t`).get() as { n: number }).n, 3_000);
    } finally {
      writer.close();
      done();
    }
  });
});
