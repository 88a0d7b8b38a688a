// The per-call quality record (server/quality/): bounded numbers only, both
// participants stored, once each, rated by the server; nobody else can write
// or read it (the same answer as for a call that does not exist); the
// history's rows carry this user's own level. Real calls on a real server and
// database (SQLite, or PostgreSQL under test:integration:pg).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listHistory } from "../../server/history/service";
import { rateRecord, type QualityRecord } from "../../server/quality/record";
import { readQualityRecords, saveQualityRecord } from "../../server/quality/service";
import { codeOf, establish, hangup, ring, startHarness, type Harness } from "./harness";

const good: QualityRecord = {
  setupMs: 180,
  path: "direct",
  rttMedianMs: 12,
  rttMaxMs: 40,
  lossPercent: 0.2,
  bitrateOutKbps: 900,
  bitrateInKbps: 850,
  videoWidth: 640,
  videoHeight: 480,
  fps: 30,
  iceRestarts: 0,
  reconnections: 0,
  connectedSeconds: 42,
  failure: null,
};

describe("call quality records", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000 });
  });
  after(() => h.close());

  test("the rating: median RTT and loss, a reconnection makes it fair at best, no media → none", () => {
    assert.equal(rateRecord(good), "good");
    assert.equal(rateRecord({ ...good, rttMedianMs: 300 }), "fair");
    assert.equal(rateRecord({ ...good, lossPercent: 12 }), "poor");
    assert.equal(rateRecord({ ...good, reconnections: 1 }), "fair");
    assert.equal(rateRecord({ ...good, reconnections: 1, rttMedianMs: 900 }), "poor");
    assert.equal(rateRecord({ ...good, connectedSeconds: 0, rttMedianMs: null, lossPercent: null, failure: "ice" }), null);
  });

  test("validated, both sides stored once, participants only, and the history row carries the level", async () => {
    const [alice, bob, carol] = [await h.createUser("Alice"), await h.createUser("Bob"), await h.createUser("Carol")];
    await h.makeContacts(alice, bob);
    await h.makeContacts(alice, carol);
    await h.makeContacts(bob, carol);
    const [a, b, c] = [await h.connect(alice), await h.connect(bob), await h.connect(carol)];
    const call = await establish(a, b, bob.id);
    const save = (userId: string, input: unknown, callId = call.id, now?: Date) => codeOf(saveQualityRecord(h.db, userId, callId, input, now));

    // Bounded numbers and enums only: no free text, no unknown keys, nothing missing.
    for (const bad of [
      { ...good, rttMedianMs: -1 },
      { ...good, rttMedianMs: 1.5 },
      { ...good, lossPercent: 101 },
      { ...good, path: "host 10.0.0.7" },
      { ...good, failure: "because" },
      { ...good, note: "hello" },
      { ...good, iceRestarts: "2" },
      { ...good, connectedSeconds: 1e9 },
      (({ path: _p, ...rest }) => rest)(good),
      "x".repeat(10),
      null,
    ]) {
      assert.equal(await save(bob.id, bad), "invalid_payload", JSON.stringify(bad).slice(0, 80));
    }
    // Someone else's call looks like no call at all, for writing and for reading.
    assert.equal(await save(carol.id, good), "not_found", "a contact of both, not in the call");
    assert.equal(await save(bob.id, good, "no_such_call"), "not_found");
    assert.equal(await save(bob.id, good, "x".repeat(65)), "not_found");
    assert.equal(await codeOf(readQualityRecords(h.db, carol.id, call.id)), "not_found");

    assert.equal(await save(bob.id, { ...good, rttMedianMs: 320, path: "relayed" }), "ok");
    await hangup(a, call.id);
    assert.equal(await save(alice.id, good), "ok", "right after the end");
    assert.equal(await save(alice.id, good), "invalid_state", "once per participant and call");

    const forBob = await readQualityRecords(h.db, bob.id, call.id);
    assert.equal(forBob.mine?.level, "fair");
    assert.equal(forBob.mine?.path, "relayed");
    assert.equal(forBob.mine?.rttMedianMs, 320);
    assert.equal(forBob.theirs?.level, "good");
    assert.equal(forBob.theirs?.videoWidth, 640);
    assert.ok(!("userId" in (forBob.theirs as object)), "no user ids in the view");
    const forAlice = await readQualityRecords(h.db, alice.id, call.id);
    assert.equal(forAlice.mine?.rttMedianMs, 12);
    assert.equal(forAlice.theirs?.rttMedianMs, 320);

    // Each history shows its own level; Carol's history has no such row at all.
    const bobRow = (await listHistory(h.db, bob.id)).entries.find((e) => e.id === call.id);
    assert.deepEqual(bobRow?.quality, { level: "fair", failure: null });
    const aliceRow = (await listHistory(h.db, alice.id)).entries.find((e) => e.id === call.id);
    assert.deepEqual(aliceRow?.quality, { level: "good", failure: null });
    assert.equal((await listHistory(h.db, carol.id)).entries.some((e) => e.id === call.id), false);

    // A call that was never answered carried no media: nothing to record.
    const rang = await ring(a, c, carol.id);
    assert.equal(await save(carol.id, good, rang.id), "invalid_state");
    await hangup(a, rang.id);

    // A failed call records its step; too late after the end is refused.
    const second = await establish(b, c, carol.id);
    await hangup(c, second.id);
    const failed = { ...good, connectedSeconds: 0, rttMedianMs: null, rttMaxMs: null, lossPercent: null, path: null, failure: "ice" as const };
    assert.equal(await save(bob.id, failed, second.id, new Date(Date.now() + 11 * 60_000)), "invalid_state");
    assert.equal(await save(bob.id, failed, second.id), "ok");
    const row = (await listHistory(h.db, bob.id)).entries.find((e) => e.id === second.id);
    assert.deepEqual(row?.quality, { level: null, failure: "ice" });
    assert.equal((await listHistory(h.db, carol.id)).entries.find((e) => e.id === second.id)?.quality, null, "Carol sent none");
    for (const s of [a, b, c]) s.disconnect();
  });
});
