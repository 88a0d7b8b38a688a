// The per-user event budget across nodes (server/signaling/cluster-budget.ts):
// two nodes' budgets share one Redis; what a user's sockets sent on one node
// comes off the other node's allowance within about a second.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectRedis, type RedisClient } from "../../server/redis";
import { MessageLimit } from "../../server/rate-limits";
import { syncBudgetsAcrossNodes } from "../../server/signaling/cluster-budget";
import { UserBudgets } from "../../server/signaling/user-budget";
import { startRedis, type TestRedis } from "../support/redis";
import { until } from "./harness";

describe("event budget across nodes (Redis)", () => {
  let server: TestRedis;
  let redis: RedisClient;
  before(async () => {
    server = await startRedis();
    redis = await connectRedis(server.url);
  });
  after(async () => {
    await redis.quit();
    await server.stop();
  });

  test("a user flooding on node 1 has (almost) nothing left on node 2; another user is not affected; it recovers when they stop", async () => {
    const limit = new MessageLimit(100);
    const [one, two] = [new UserBudgets(100), new UserBudgets(100)];
    const prefix = `test:${process.pid}:budget:`;
    const stops = [
      syncBudgetsAcrossNodes(one, redis, { perSecond: 100, prefix, everyMs: 100, nodeId: "one" }),
      syncBudgetsAcrossNodes(two, redis, { perSecond: 100, prefix, everyMs: 100, nodeId: "two" }),
    ];
    try {
      const floodOn1 = one.attach("flo");
      const floOn2 = two.attach("flo");
      const annOn2 = two.attach("ann");
      // Flo sends 100 a second on node 1, and a little on node 2 (a node only syncs users who are active there).
      const flood = setInterval(() => {
        for (let i = 0; i < 10; i++) limit.take(floodOn1);
        limit.take(floOn2);
      }, 100);
      await until(() => floOn2.allowance < 20, "node 2 to learn what node 1 counted", 4_500);
      clearInterval(flood);
      assert.equal(limit.take(annOn2), "ok", "another user on node 2");
      const verdicts = Array.from({ length: 30 }, () => limit.take(floOn2));
      assert.ok(verdicts.filter((v) => v === "ok").length <= 20, `node 2 let ${verdicts.filter((v) => v === "ok").length} through`);
      await until(() => floOn2.allowance === 100, "the allowance to come back once the flood stopped", 4_000);
    } finally {
      for (const stop of stops) stop();
    }
  });
});
