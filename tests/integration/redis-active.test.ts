// RedisCallStore.active() feeds the sweep of abandoned calls (a node died, its
// participants never came back): it must list every active call, not the
// first 500 (it once did, and calls beyond were never swept). A throwaway
// redis-server and a real database; the calls are placed and accepted through
// the store's own decisions, as the service would.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { RedisCallStore } from "../../server/calls/redis-store";
import { createDb, type Db } from "../../server/db/client";
import { connectRedis, type RedisClient } from "../../server/redis";
import { startRedis, type TestRedis } from "../support/redis";
import { createFreshDb } from "./harness";

const CALLS = 1_234;

describe("RedisCallStore.active() with more than 500 active calls", () => {
  let server: TestRedis;
  let client: RedisClient;
  let db: Db;
  let dir: string;
  let drop: () => Promise<void>;

  before(async () => {
    server = await startRedis();
    client = await connectRedis(server.url);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-active-"));
    const fresh = await createFreshDb(dir);
    drop = fresh.drop;
    db = createDb(fresh.url);
  });
  after(async () => {
    await client.quit();
    await server.stop();
    await db.$disconnect();
    await drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test(`lists all ${CALLS} of them`, async () => {
    // Users straight into the table: 2 × CALLS password hashes would take minutes.
    const tag = randomBytes(4).toString("hex");
    const users = Array.from({ length: CALLS * 2 }, (_, i) => ({ id: `u${tag}${i}`, email: `u${i}-${tag}@test.dialtone`, name: `U${i}`, passwordHash: "x" }));
    await db.user.createMany({ data: users });
    const store = new RedisCallStore(db, client, `test:${tag}:`);
    await store.ready;
    const expected: { id: string; callerId: string; calleeId: string }[] = [];
    const persisted: Promise<void>[] = [];
    for (let i = 0; i < CALLS; i++) {
      const [caller, callee] = [users[2 * i]!, users[2 * i + 1]!];
      const id = randomUUID();
      const rang = await store.invite({
        id,
        callerId: caller.id,
        calleeId: callee.id,
        kind: "video",
        caller: { id: caller.id, name: caller.name },
        callee: { id: callee.id, name: callee.name },
        now: new Date(),
        ringTimeoutMs: 600_000,
      });
      assert.equal(rang.kind, "rang");
      const accepted = await store.accept(id, callee.id, new Date());
      assert.equal(accepted.kind, "accepted");
      if (rang.kind === "rang" && accepted.kind === "accepted") persisted.push(rang.persisted, accepted.persisted);
      expected.push({ id, callerId: caller.id, calleeId: callee.id });
    }
    await Promise.all(persisted);

    const active = await store.active();
    assert.equal(active.length, CALLS);
    const byId = new Map(active.map((c) => [c.id, c]));
    for (const e of expected) assert.deepEqual(byId.get(e.id), e);
    assert.equal(await db.call.count({ where: { status: "active" } }), CALLS);
  });
});
