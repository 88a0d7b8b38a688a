// METRICS_PORT (/metrics on 127.0.0.1 only, no token) and the client-reported
// call set-up time histogram (server/calls/setup-time.ts), on a real server
// with a real call and a real database.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { reportSetupTime } from "../../server/calls/setup-time";
import { Metrics } from "../../server/observability/metrics";
import { startMetricsServer } from "../../server/observability/metrics-server";
import { codeOf, establish, hangup, ring, startHarness, type Harness } from "./harness";

describe("metrics port and client-reported set-up time", () => {
  let h: Harness;
  const metrics = new Metrics();
  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000, metrics });
  });
  after(() => h.close());

  test("METRICS_PORT serves /metrics on 127.0.0.1 without a token, and nothing else", async () => {
    const server = await startMetricsServer(metrics, 0);
    try {
      const addr = server.address() as AddressInfo;
      assert.equal(addr.address, "127.0.0.1", "bound to localhost only");
      const base = `http://127.0.0.1:${addr.port}`;
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      assert.match(await res.text(), /^# HELP dialtone_call_setup_seconds /m);
      assert.equal((await fetch(`${base}/healthz`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: "POST" })).status, 405);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test("each participant reports once; bounded, answered calls of theirs only; the role comes from the call", async () => {
    const [alice, bob, carol] = [await h.createUser("Alice"), await h.createUser("Bob"), await h.createUser("Carol")];
    await h.makeContacts(alice, bob);
    await h.makeContacts(alice, carol);
    const [a, b, c] = [await h.connect(alice), await h.connect(bob), await h.connect(carol)];
    const call = await establish(a, b, bob.id);
    const report = (userId: string, input: unknown, callId = call.id) => codeOf(reportSetupTime(h.db, metrics, userId, callId, input));

    assert.equal(await report(bob.id, { ms: -1 }), "invalid_payload");
    assert.equal(await report(bob.id, { ms: 120_001 }), "invalid_payload");
    assert.equal(await report(bob.id, { ms: 1.5 }), "invalid_payload");
    assert.equal(await report(bob.id, { ms: "800" }), "invalid_payload");
    assert.equal(await report(bob.id, { ms: 800, role: "caller" }), "invalid_payload");
    assert.equal(await report(carol.id, { ms: 800 }), "not_found", "not a participant");
    assert.equal(await report(bob.id, { ms: 800 }, "no_such_call"), "not_found");

    // Too long after the answer: refused.
    const later = new Date(Date.now() + 11 * 60_000);
    assert.equal(await codeOf(reportSetupTime(h.db, metrics, alice.id, call.id, { ms: 1 }, later)), "invalid_state");

    assert.equal(await report(bob.id, { ms: 800 }), "ok");
    assert.equal(await report(alice.id, { ms: 1_200 }), "ok");
    assert.equal(await report(bob.id, { ms: 800 }), "invalid_state", "once per participant and call");

    const text = await metrics.registry.getSingleMetricAsString("dialtone_call_setup_seconds");
    assert.match(text, /dialtone_call_setup_seconds_count\{role="callee"\} 1/);
    assert.match(text, /dialtone_call_setup_seconds_sum\{role="callee"\} 0\.8/);
    assert.match(text, /dialtone_call_setup_seconds_count\{role="caller"\} 1/);
    assert.match(text, /dialtone_call_setup_seconds_bucket\{le="1",role="callee"\} 1/);
    assert.match(text, /dialtone_call_setup_seconds_bucket\{le="1",role="caller"\} 0/);
    await hangup(a, call.id);

    // A call that was never answered has no set-up time.
    const rang = await ring(a, c, carol.id);
    assert.equal(await report(carol.id, { ms: 500 }, rang.id), "invalid_state");
    for (const s of [a, b, c]) s.disconnect();
  });
});
