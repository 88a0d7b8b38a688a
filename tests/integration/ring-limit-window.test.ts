// The one-node store keeps the ring limit itself (server/calls/memory-store.ts,
// MemoryCallStore): rate-limiter-flexible's fixed window, counted in the
// invite's synchronous decision. Over `points` in a window → rate_limited
// (busy invites count too, as in RedisCallStore's script); a new window
// starts after `durationMs`; the sweep forgets windows that ended.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { MemoryCallStore } from "../../server/calls/memory-store";
import type { InviteRequest } from "../../server/calls/store";
import { startHarness, type Harness } from "./harness";

describe("the memory store's ring limit window", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test("points per window, busy invites counted, a fresh window after it ends, ended windows forgotten", async () => {
    const store = new MemoryCallStore(h.db);
    await store.ready;
    const [a, b, c] = [await h.createUser("Ida"), await h.createUser("Jon"), await h.createUser("Kai")];
    const t0 = Date.UTC(2026, 10, 25, 12, 0, 0);
    const limit = { key: `ring:${a.id}`, points: 2, durationMs: 60_000 };
    const invite = (calleeId: string, at: number): Promise<{ kind: string }> => {
      const r: InviteRequest = {
        id: randomUUID(),
        callerId: a.id,
        calleeId,
        kind: "audio",
        caller: { id: a.id, name: a.name },
        callee: { id: calleeId, name: "x" },
        now: new Date(at),
        ringTimeoutMs: 1_000,
        limit,
      };
      return store.invite(r);
    };
    assert.equal((await invite(b.id, t0)).kind, "rang");
    // Still ringing b: caller_busy, and it used the second point.
    assert.equal((await invite(c.id, t0 + 10)).kind, "caller_busy");
    assert.equal((await invite(c.id, t0 + 20)).kind, "rate_limited");
    assert.equal((await invite(c.id, t0 + 59_999)).kind, "rate_limited");
    // The window ended: the ring to b has expired too, so c rings.
    const next = await invite(c.id, t0 + 60_000);
    assert.equal(next.kind, "rang");
    const windows = (store as unknown as { ringWindows: Map<string, unknown> }).ringWindows;
    assert.equal(windows.size, 1);
    await store.expiredRinging(new Date(t0 + 120_000));
    assert.equal(windows.size, 0, "the sweep forgets ended windows");
  });
});
