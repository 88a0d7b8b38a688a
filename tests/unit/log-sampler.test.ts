// LogSampler: at most N lines per key per window; the first line of the next
// window reports how many were left out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LogSampler } from "../../server/observability/log-sampler";

test("LogSampler keeps N lines per key per window and reports what it left out", () => {
  const s = new LogSampler(3, 1_000);
  const t = 1_000_000;
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => s.take("a", t + i)), [0, 0, 0, undefined, undefined]);
  // Another key has its own budget.
  assert.equal(s.take("b", t + 5), 0);
  // Next window: the first line carries the 2 left out.
  assert.equal(s.take("a", t + 1_000), 2);
  assert.equal(s.take("a", t + 1_001), 0);
});
