// The per-user event budget's verdicts (server/rate-limits.ts): within the
// budget, over it, held back past twice the budget, and disconnected only once
// 50× the budget was read over it without a second back under it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MessageLimit, type MessageCounter } from "../../server/rate-limits";

const fresh = (): MessageCounter => ({ windowStart: 0, count: 0, allowance: 100, total: 0, excess: 0 });
const run = (limit: MessageLimit, c: MessageCounter, n: number, at: number) => Array.from({ length: n }, () => limit.take(c, at));
const tally = (vs: string[]) => vs.reduce<Record<string, number>>((t, v) => ((t[v] = (t[v] ?? 0) + 1), t), {});

test("one second: 100 ok, 100 over, then hold", () => {
  const limit = new MessageLimit(100);
  const c = fresh();
  assert.deepEqual(tally(run(limit, c, 300, 10_000)), { ok: 100, over: 100, hold: 100 });
  assert.equal(limit.untilNextSecond(c, 10_250), 750);
});

test("a slow drain over many seconds is answered, not disconnected; a second under the budget clears the excess", () => {
  const limit = new MessageLimit(100);
  const c = fresh();
  // 20 seconds in a row at 300 a second: 200 over each second, 4,000 in all (< 5,000).
  for (let s = 0; s < 20; s++) assert.ok(!run(limit, c, 300, 10_000 + s * 1000).includes("abuse"), `second ${s}`);
  assert.equal(c.excess, 4_000);
  run(limit, c, 50, 30_000); // a second under the budget
  assert.equal(limit.take(c, 31_000), "ok");
  assert.equal(c.excess, 0);
});

test("past 5,000 over the budget in a row the sender is disconnected, within one second or across several", () => {
  const limit = new MessageLimit(100);
  const burst = fresh();
  const vs = run(limit, burst, 5_200, 10_000);
  assert.equal(vs.indexOf("abuse"), 5_100, "the 5,001st event over the budget");
  const steady = fresh();
  let at = -1;
  for (let s = 0; s < 30 && at < 0; s++) if (run(limit, steady, 600, 10_000 + s * 1000).includes("abuse")) at = s;
  assert.equal(at, 10, "500 over a second: the 11th second");
});

test("a gap of more than a second clears the excess too", () => {
  const limit = new MessageLimit(100);
  const c = fresh();
  run(limit, c, 1_000, 10_000);
  assert.equal(c.excess, 900);
  limit.take(c, 12_500);
  assert.equal(c.excess, 0);
});

test("the allowance (what the user's sockets on other nodes left) is the budget", () => {
  const limit = new MessageLimit(100);
  const c = { ...fresh(), allowance: 10 };
  assert.deepEqual(tally(run(limit, c, 30, 10_000)), { ok: 10, over: 20 });
});

test("isOver: while the user is over the budget, and for the second after", () => {
  const limit = new MessageLimit(100);
  const c = fresh();
  run(limit, c, 100, 10_000);
  assert.equal(limit.isOver(c, 10_500), false);
  limit.take(c, 10_600);
  assert.equal(limit.isOver(c, 10_700), true);
  assert.equal(limit.isOver(c, 11_900), true);
  assert.equal(limit.isOver(c, 12_100), false);
});
