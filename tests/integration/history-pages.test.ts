// Call history pages (server/history/service.ts): following nextCursor from the
// first page walks every ended call of the user exactly once, newest first,
// from both sides (placed and received), with the other party's name and the
// exact start time, ties on the same millisecond broken by id; nothing of other
// users' calls or of live calls shows. Runs on SQLite and PostgreSQL like the
// rest of the suite (listHistory is plain SQL written for both). The shared
// client reads it as a prepared statement of its own (on SQLite its read-only
// connection, server/db/sqlite-reader.ts; on PostgreSQL its pool,
// server/db/pg-reader.ts); a transaction client takes the Prisma path, and
// both must return the same pages. The process runs in a zone far from UTC for
// this file: TIMESTAMP columns hold UTC wall time, and a reader that read them
// as local time would shift every start time.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createDb } from "../../server/db/client";
import { migrateSqlite } from "../../server/db/migrate";
import { pgReaderOf } from "../../server/db/pg-reader";
import { sqliteReaderOf } from "../../server/db/sqlite-reader";
import { listHistory, PAGE_SIZE, parseCursor } from "../../server/history/service";
import { startHarness, TEST_DB, type Harness, type TestUser } from "./harness";

describe("history pages", () => {
  let h: Harness;
  let me: TestUser, ann: TestUser, ben: TestUser;

  const zone = process.env.TZ;
  before(async () => {
    process.env.TZ = "Pacific/Auckland";
    assert.notEqual(new Date(0).getTimezoneOffset(), 0, "the test runs off UTC");
    h = await startHarness();
    [me, ann, ben] = [await h.createUser("Me"), await h.createUser("Ann"), await h.createUser("Ben")];
  });
  after(async () => {
    await h.close();
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  test("every ended call once, newest first, both sides, ties broken by id", async () => {
    const base = Date.UTC(2026, 0, 31, 23, 59, 58, 123);
    const expected: { id: string; at: number; other: TestUser; outgoing: boolean }[] = [];
    const total = 2 * PAGE_SIZE + 31;
    for (let i = 0; i < total; i++) {
      // Three calls share each millisecond, so page boundaries fall inside ties.
      const at = base + Math.floor(i / 3) * 1_000;
      const other = i % 2 === 0 ? ann : ben;
      const outgoing = i % 4 < 2;
      const t = new Date(at);
      const row = await h.db.call.create({
        data: {
          callerId: outgoing ? me.id : other.id,
          calleeId: outgoing ? other.id : me.id,
          kind: "video",
          status: "ended",
          outcome: "completed",
          createdAt: t,
          ringExpiresAt: new Date(at + 45_000),
          answeredAt: new Date(at + 2_000),
          endedAt: new Date(at + 62_000),
        },
        select: { id: true },
      });
      expected.push({ id: row.id, at, other, outgoing });
    }
    // Not in my history: a call between others, and my live calls.
    const now = new Date(base);
    await h.db.call.create({ data: { callerId: ann.id, calleeId: ben.id, kind: "audio", status: "ended", outcome: "missed", createdAt: now, ringExpiresAt: now } });
    await h.db.call.create({ data: { callerId: me.id, calleeId: ann.id, kind: "video", status: "ringing", createdAt: now, ringExpiresAt: now } });
    await h.db.call.create({ data: { callerId: ben.id, calleeId: me.id, kind: "video", status: "active", createdAt: now, ringExpiresAt: now } });

    expected.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listHistory(h.db, me.id, parseCursor(cursor));
      pages++;
      assert.ok(page.entries.length <= PAGE_SIZE);
      for (const e of page.entries) {
        const want = expected.find((x) => x.id === e.id);
        assert.ok(want, `unexpected entry ${e.id}`);
        assert.equal(e.startedAt, new Date(want.at).toISOString(), "start time survives the round trip exactly");
        assert.deepEqual(e.other, { id: want.other.id, name: want.other.name, deleted: false });
        assert.equal(e.direction, want.outgoing ? "Outgoing" : "Incoming");
        assert.equal(e.durationSeconds, 60);
        assert.equal(e.label, "Completed");
      }
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected.map((x) => x.id));

    // The same pages through Prisma (a transaction client has no reader), first and keyset.
    const second = parseCursor((await listHistory(h.db, me.id)).nextCursor);
    for (const cursor of [undefined, second]) {
      const viaPrisma = await h.db.$transaction((tx) => {
        assert.equal(sqliteReaderOf(tx), undefined);
        assert.equal(pgReaderOf(tx), undefined);
        return listHistory(tx as typeof h.db, me.id, cursor);
      });
      assert.deepEqual(await listHistory(h.db, me.id, cursor), viaPrisma);
    }
  });

  test("the shared client sees each committed call at once (through its own reader: SQLite's read-only connection, PostgreSQL's pool)", async () => {
    assert.equal(sqliteReaderOf(h.db) !== undefined, TEST_DB === "sqlite");
    assert.equal(pgReaderOf(h.db) !== undefined, TEST_DB === "postgres");
    const [a, b] = [await h.createUser("Ada"), await h.createUser("Bob")];
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.UTC(2026, 1, 1, 12, 0, i));
      const { id } = await h.db.call.create({
        data: { callerId: a.id, calleeId: b.id, kind: "audio", status: "ended", outcome: "missed", createdAt: at, ringExpiresAt: at, endedAt: at },
      });
      const page = await listHistory(h.db, b.id);
      assert.equal(page.entries.length, i + 1);
      assert.deepEqual(page.entries[0], {
        id,
        other: { id: a.id, name: "Ada", deleted: false },
        direction: "Incoming",
        kind: "audio",
        label: "Missed",
        startedAt: at.toISOString(),
        durationSeconds: null,
        quality: null,
      });
    }
  });

  test("a user without calls gets an empty page and no cursor", async () => {
    const loner = await h.createUser("Loner");
    assert.deepEqual(await listHistory(h.db, loner.id), { entries: [], nextCursor: null });
  });
});

describe("SQLite history reader", { skip: TEST_DB !== "sqlite" }, () => {
  test("closes with the client: the last connection out checkpoints and removes the WAL file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-reader-"));
    try {
      const file = path.join(dir, "r.db");
      migrateSqlite(`file:${file}`);
      const db = createDb(`file:${file}`);
      const user = await db.user.create({ data: { email: "r@x.io", name: "R", passwordHash: "x" } });
      assert.deepEqual(await listHistory(db, user.id), { entries: [], nextCursor: null });
      assert.ok(fs.existsSync(`${file}-wal`));
      await db.$disconnect();
      assert.ok(!fs.existsSync(`${file}-wal`), "a reader left open would keep the WAL file");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
