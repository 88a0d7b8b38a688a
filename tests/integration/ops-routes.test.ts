// /healthz, /readyz and /metrics as the custom server answers them, on a real
// server with real sockets and a real database: the metrics need the bearer
// token (and do not exist without one), and their counters move with a call.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { migrate } from "../../server/db/migrate";
import { Metrics, setMetrics } from "../../server/observability/metrics";
import { opsRoutes, type OpsRoutes } from "../../server/observability/ops-routes";
import { emitRawAck, establish, hangup, startHarness, type Harness } from "./harness";

const TOKEN = "test-metrics-token-0123456789";

describe("health, readiness and metrics routes", () => {
  let h: Harness;
  let routes: OpsRoutes = () => false;
  let migrations = 0;
  let pretendDraining = false;
  const metrics = new Metrics({ processMetrics: true });

  before(async () => {
    // The process-wide slot too: the stores' write and Redis latencies are observed there.
    setMetrics(metrics);
    h = await startHarness({ ringTimeoutMs: 10_000, metrics, onRequest: (req, res) => routes(req, res) });
    migrations = (await migrate(h.dbUrl)).total;
    metrics.observe({ pingDb: () => h.db.$queryRawUnsafe("SELECT 1") });
    routes = opsRoutes({
      readiness: { db: h.db, redis: h.callState?.redis, migrations, isDraining: () => pretendDraining || h.signaling.draining() },
      metrics,
      metricsToken: TOKEN,
    });
  });
  after(() => h.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { headers });
  const scrape = async () => {
    const res = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
    assert.equal(res.status, 200);
    return res.text();
  };
  /** One sample's value from the exposition text (labels as written, e.g. `{outcome="completed"}`). */
  const value = (text: string, sample: string): number => {
    const line = text.split("\n").find((l) => l.startsWith(sample + " "));
    return line ? Number(line.slice(sample.length + 1)) : 0;
  };

  test("/healthz answers 200 while the process runs", async () => {
    const res = await get("/healthz");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
    assert.equal((await fetch(`${h.url}/healthz`, { method: "POST" })).status, 405);
  });

  test("/readyz: 200 when the database answers and is migrated; 503 with a pending migration or while draining", async () => {
    const ok = await get("/readyz");
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { status: string; checks: Record<string, string> };
    assert.equal(body.status, "ready");
    assert.equal(body.checks.database, "ok");
    assert.equal(body.checks.migrations, "ok");
    if (h.callState) assert.equal(body.checks.redis, "ok");

    // A build that ships one more migration than the database has.
    const ahead = opsRoutes({ readiness: { db: h.db, migrations: migrations + 1, isDraining: () => false }, metrics });
    routes = ahead;
    const pending = await get("/readyz");
    assert.equal(pending.status, 503);
    assert.match(((await pending.json()) as { checks: { migrations: string } }).checks.migrations, /^pending: 1 of/);

    routes = opsRoutes({ readiness: { db: h.db, migrations, isDraining: () => pretendDraining }, metrics, metricsToken: TOKEN });
    pretendDraining = true;
    const draining = await get("/readyz");
    assert.equal(draining.status, 503);
    assert.equal(((await draining.json()) as { draining: boolean }).draining, true);
    pretendDraining = false;
    assert.equal((await get("/readyz")).status, 200);
  });

  test("/metrics needs the bearer token; without a configured token there is no such route", async () => {
    assert.equal((await get("/metrics")).status, 401);
    assert.equal((await get("/metrics", { authorization: "Bearer wrong-token-0123456789" })).status, 401);
    assert.equal((await get("/metrics", { authorization: `Basic ${TOKEN}` })).status, 401);
    const text = await scrape();
    for (const name of ["dialtone_connected_sockets", "dialtone_active_calls", "dialtone_rings_total", "dialtone_db_ping_seconds", "nodejs_eventloop_lag_seconds", "process_cpu_user_seconds_total"])
      assert.match(text, new RegExp(`^${name} `, "m"), `${name} is scraped`);
    assert.ok(value(text, "dialtone_db_ping_seconds") > 0);

    const saved = routes;
    routes = opsRoutes({ readiness: { db: h.db, migrations, isDraining: () => false }, metrics });
    assert.equal((await get("/metrics", { authorization: `Bearer ${TOKEN}` })).status, 404);
    routes = saved;
  });

  test("the counters move with a call and with refused events", async () => {
    const before = await scrape();
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const during = await scrape();
    assert.equal(value(during, "dialtone_connected_sockets"), 2);
    assert.equal(value(during, "dialtone_active_calls"), 1);
    await emitRawAck(a, "call:accept", { callId: "nope" });
    await hangup(b, call.id);
    const after = await scrape();
    const delta = (sample: string) => value(after, sample) - value(before, sample);
    assert.equal(delta("dialtone_rings_total"), 1);
    assert.equal(delta("dialtone_calls_answered_total"), 1);
    assert.equal(delta('dialtone_calls_ended_total{outcome="completed"}'), 1);
    assert.equal(delta('dialtone_socket_refused_total{event="call:accept",code="not_found"}'), 1);
    assert.equal(value(after, "dialtone_active_calls"), 0);
    // The ring's insert, the accept and the end were written, and timed.
    assert.ok(delta("dialtone_db_write_seconds_count") >= 3, `${delta("dialtone_db_write_seconds_count")} writes timed`);
    if (h.callState) assert.ok(delta('dialtone_redis_script_seconds_count{script="invite"}') >= 1);
  });
});
