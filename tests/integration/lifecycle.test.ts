// The call lifecycle end to end: every way a call ends, what each side is told,
// what the database records, and what each side's history says.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listHistory, markMissedSeen, unseenMissedCount } from "../../server/history/service";
import {
  emitAck,
  establish,
  expectError,
  expectOk,
  flush,
  received,
  ring,
  sleep,
  startHarness,
  waitFor,
  type Harness,
  type TestUser,
} from "./harness";

const RING_MS = 1000;
const GRACE_MS = 400;

describe("call lifecycle", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ ringTimeoutMs: RING_MS, graceMs: GRACE_MS });
  });
  after(() => h.close());

  async function pair(a = "Alice", b = "Bob"): Promise<[TestUser, TestUser]> {
    const users: [TestUser, TestUser] = [await h.createUser(a), await h.createUser(b)];
    await h.makeContacts(...users);
    return users;
  }
  const labelOf = async (user: TestUser, callId: string) => {
    const entry = (await listHistory(h.db, user.id)).entries.find((e) => e.id === callId);
    assert.ok(entry, `call ${callId} missing from ${user.name}'s history`);
    return entry;
  };

  test("cancel by the caller: both sides get call:ended; outcome cancelled; Cancelled / Missed", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const a2 = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await ring(a, b, bob.id);
    const endedAll = [a, a2, b].map((s) => waitFor(s, "call:ended"));
    expectError(await emitAck(b, "call:cancel", { callId: call.id }), "invalid_state");
    const res = expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
    assert.equal(res.call.status, "ended");
    assert.equal(res.call.outcome, "cancelled");
    for (const e of await Promise.all(endedAll)) {
      assert.equal(e.call.id, call.id);
      assert.equal(e.call.outcome, "cancelled");
      assert.equal(e.reason, "cancelled");
    }
    const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.status, "ended");
    assert.equal(row.outcome, "cancelled");
    assert.equal(row.endedById, alice.id);
    assert.ok(row.endedAt);
    assert.equal(row.answeredAt, null);
    assert.equal((await labelOf(alice, call.id)).label, "Cancelled");
    assert.equal((await labelOf(bob, call.id)).label, "Missed");
    assert.equal((await labelOf(alice, call.id)).direction, "Outgoing");
    assert.equal((await labelOf(bob, call.id)).direction, "Incoming");
    assert.equal((await labelOf(bob, call.id)).durationSeconds, null);
    // Ended is final.
    expectError(await emitAck(a, "call:cancel", { callId: call.id }), "invalid_state");
    expectError(await emitAck(b, "call:accept", { callId: call.id }), "invalid_state");
    expectError(await emitAck(a, "call:hangup", { callId: call.id }), "invalid_state");
  });

  test("decline by the callee: the caller gets call:ended outcome declined; Declined on both sides", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const b2 = await h.connect(bob);
    const call = await ring(a, b, bob.id);
    expectError(await emitAck(a, "call:decline", { callId: call.id }), "invalid_state");
    const endedA = waitFor(a, "call:ended");
    const endedB2 = waitFor(b2, "call:ended");
    const res = expectOk(await emitAck(b, "call:decline", { callId: call.id }));
    assert.equal(res.call.outcome, "declined");
    const e = await endedA;
    assert.equal(e.call.outcome, "declined");
    assert.equal(e.reason, "declined");
    assert.equal((await endedB2).call.outcome, "declined", "the callee's other tab stops ringing");
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: call.id } })).outcome, "declined");
    assert.equal((await labelOf(alice, call.id)).label, "Declined");
    assert.equal((await labelOf(bob, call.id)).label, "Declined");
  });

  test("ring timeout: call:ended reason ring_timeout, outcome missed; No answer / Missed; missed badge counts it once", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    assert.equal(await unseenMissedCount(h.db, bob.id), 0);
    const call = await ring(a, b, bob.id);
    const endedA = waitFor(a, "call:ended", () => true, RING_MS + 3000);
    const endedB = waitFor(b, "call:ended", () => true, RING_MS + 3000);
    const [ea, eb] = await Promise.all([endedA, endedB]);
    for (const e of [ea, eb]) {
      assert.equal(e.call.id, call.id);
      assert.equal(e.reason, "ring_timeout");
      assert.equal(e.call.outcome, "missed");
    }
    const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.outcome, "missed");
    assert.equal(row.endReason, "ring_timeout");
    assert.equal(row.endedById, null);
    assert.ok(row.endedAt!.getTime() >= row.ringExpiresAt.getTime(), "not ended before its ring time");
    // The timer and the periodic sweep both look at it; only one may end it.
    await sleep(500);
    await Promise.all([flush(a), flush(b)]);
    assert.equal(received(a, "call:ended").length, 1, "call:ended exactly once");
    assert.equal(received(b, "call:ended").length, 1, "call:ended exactly once");
    assert.equal((await labelOf(alice, call.id)).label, "No answer");
    assert.equal((await labelOf(bob, call.id)).label, "Missed");
    assert.equal(await unseenMissedCount(h.db, bob.id), 1);
    assert.equal(await unseenMissedCount(h.db, alice.id), 0, "the caller missed nothing");
    await markMissedSeen(h.db, bob.id);
    assert.equal(await unseenMissedCount(h.db, bob.id), 0);
    expectError(await emitAck(b, "call:accept", { callId: call.id }), "invalid_state");
  });

  test("accepting after the ring time, before any timer ran, is refused and ends the call as missed", async () => {
    // A server whose ring timers and sweep would only run a minute late: the
    // accept itself must notice the ring time is over.
    const late = await startHarness({ ringTimeoutMs: 300, ringTimerSlackMs: 60_000, sweepEveryMs: 60_000 });
    try {
      const [alice, bob] = [await late.createUser("Alice"), await late.createUser("Bob")];
      await late.makeContacts(alice, bob);
      const a = await late.connect(alice);
      const b = await late.connect(bob);
      const call = await ring(a, b, bob.id);
      await new Promise((r) => setTimeout(r, 400));
      const endedA = waitFor(a, "call:ended");
      expectError(await emitAck(b, "call:accept", { callId: call.id }), "invalid_state");
      assert.equal((await endedA).reason, "ring_timeout");
      // Written before the accept was answered.
      assert.equal((await late.db.call.findUniqueOrThrow({ where: { id: call.id } })).outcome, "missed");
    } finally {
      await late.close();
    }
  });

  test("busy: ringing someone in an active call is recorded as busy at once; a caller in a call gets caller_busy", async () => {
    const [alice, bob] = await pair();
    const carol = await h.createUser("Carol");
    await h.makeContacts(carol, bob);
    await h.makeContacts(carol, alice);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    const active = await establish(a, b, bob.id);

    const res = expectOk(await emitAck(c, "call:invite", { calleeId: bob.id, kind: "video" }));
    assert.equal(res.call.status, "ended");
    assert.equal(res.call.outcome, "busy");
    assert.notEqual(res.call.id, active.id);
    await flush(b);
    assert.equal(received(b, "call:incoming").length, 1, "bob does not ring for the busy call");
    const row = await h.db.call.findUniqueOrThrow({ where: { id: res.call.id } });
    assert.equal(row.outcome, "busy");
    assert.equal(row.endReason, "callee_busy");
    assert.equal((await labelOf(carol, res.call.id)).label, "Busy");
    assert.equal((await labelOf(bob, res.call.id)).label, "Missed");

    // Alice, in a call, cannot start another one; nothing is recorded.
    const before = await h.db.call.count();
    expectError(await emitAck(a, "call:invite", { calleeId: carol.id, kind: "video" }), "caller_busy");
    assert.equal(await h.db.call.count(), before);

    // The active call is untouched by all this.
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: active.id } })).status, "active");
  });

  test("a callee whose phone is already ringing is busy for a second caller", async () => {
    const [alice, bob] = await pair();
    const carol = await h.createUser("Carol");
    await h.makeContacts(carol, bob);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    const first = await ring(a, b, bob.id);
    const res = expectOk(await emitAck(c, "call:invite", { calleeId: bob.id, kind: "audio" }));
    assert.equal(res.call.outcome, "busy");
    expectOk(await emitAck(a, "call:cancel", { callId: first.id }));
  });

  // Bob, rung by Alice, calls Carol, then answers Alice: his ring to Carol is
  // cancelled, so Carol's late accept fails and Bob is in one call only.
  test("nobody is ever in two active calls at once", async () => {
    const [alice, bob] = await pair();
    const carol = await h.createUser("Carol");
    await h.makeContacts(bob, carol);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    const ab = await ring(a, b, bob.id);
    const bc = await ring(b, c, carol.id);
    expectOk(await emitAck(b, "call:accept", { callId: ab.id }));
    expectError(await emitAck(c, "call:accept", { callId: bc.id }), "invalid_state");
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: bc.id } })).outcome, "cancelled");
    const active = await h.db.call.count({ where: { status: "active", OR: [{ callerId: bob.id }, { calleeId: bob.id }] } });
    for (const id of [ab.id, bc.id]) await h.signaling.calls.hangup(id, bob.id).catch(() => undefined);
    assert.equal(active, 1, "Bob is in two active calls");
  });

  test("hang-up of an active call: both get call:ended outcome completed; history shows a duration and Completed", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const endedA = waitFor(a, "call:ended");
    const endedB = waitFor(b, "call:ended");
    const res = expectOk(await emitAck(b, "call:hangup", { callId: call.id }));
    assert.equal(res.call.outcome, "completed");
    for (const e of await Promise.all([endedA, endedB])) {
      assert.equal(e.call.outcome, "completed");
      assert.equal(e.reason, "hangup");
      assert.ok(e.call.answeredAt && e.call.endedAt);
    }
    const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.endedById, bob.id);
    for (const user of [alice, bob]) {
      const entry = await labelOf(user, call.id);
      assert.equal(entry.label, "Completed");
      assert.equal(typeof entry.durationSeconds, "number");
      assert.ok(entry.durationSeconds! >= 0);
    }
    // Hanging up twice does not end it twice.
    expectError(await emitAck(a, "call:hangup", { callId: call.id }), "invalid_state");
    await Promise.all([flush(a), flush(b)]);
    assert.equal(received(a, "call:ended").length, 1);
    // Both may call again right away.
    const again = await ring(a, b, bob.id);
    expectOk(await emitAck(a, "call:cancel", { callId: again.id }));
  });

  test("hang-up while ringing is a cancel (caller) or a decline (callee)", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c1 = await ring(a, b, bob.id);
    assert.equal(expectOk(await emitAck(a, "call:hangup", { callId: c1.id })).call.outcome, "cancelled");
    const c2 = await ring(a, b, bob.id);
    assert.equal(expectOk(await emitAck(b, "call:hangup", { callId: c2.id })).call.outcome, "declined");
  });

  test("session:sync: a callee socket that connects while a call rings finds it in `incoming`", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
    const late = await h.connect(bob);
    const sync = expectOk(await emitAck(late, "session:sync", {}));
    assert.deepEqual(sync.incoming, [call]);
    assert.equal(sync.outgoing, null);
    assert.equal(sync.active, null);
    const callerSync = expectOk(await emitAck(a, "session:sync", {}));
    assert.deepEqual(callerSync.outgoing, call);
    assert.deepEqual(callerSync.incoming, []);
    // The late socket can answer it.
    const accepted = waitFor(a, "call:accepted");
    expectOk(await emitAck(late, "call:accept", { callId: call.id }));
    await accepted;
    const after = expectOk(await emitAck(late, "session:sync", {}));
    assert.equal(after.active?.id, call.id);
    assert.equal(after.active?.status, "active");
    assert.deepEqual(after.incoming, []);
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
    assert.deepEqual(expectOk(await emitAck(late, "session:sync", {})), { ok: true, incoming: [], outgoing: null, active: null });
  });

  test("a dropped participant who comes back within the grace period (call:rejoin) keeps the call", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const lost = waitFor(a, "call:peer-connection", (p) => !p.connected);
    b.disconnect();
    assert.deepEqual(await lost, { callId: call.id, connected: false });
    const back = await h.connect(bob);
    const regained = waitFor(a, "call:peer-connection", (p) => p.connected);
    const res = expectOk(await emitAck(back, "call:rejoin", { callId: call.id }));
    assert.equal(res.call.status, "active");
    assert.deepEqual(res.iceServers, []);
    assert.deepEqual(await regained, { callId: call.id, connected: true, fresh: false });
    await sleep(GRACE_MS + 300);
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: call.id } })).status, "active", "still active after the grace period");
    // The rejoined socket relays.
    const got = waitFor(a, "signal:candidate");
    expectOk(await emitAck(back, "signal:candidate", { callId: call.id, candidate: null }));
    await got;
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });

  test("a dropped participant who does not come back: the call ends as failed (connection_lost) after the grace period", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const ended = waitFor(a, "call:ended", () => true, GRACE_MS + 3000);
    const t0 = Date.now();
    b.disconnect();
    const e = await ended;
    assert.ok(Date.now() - t0 >= GRACE_MS - 50, "not before the grace period");
    assert.equal(e.reason, "connection_lost");
    assert.equal(e.call.outcome, "failed");
    assert.equal((await labelOf(alice, call.id)).label, "Failed");
  });

  test("a caller whose socket drops while ringing: the callee sees a missed call", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await ring(a, b, bob.id);
    const ended = waitFor(b, "call:ended", () => true, GRACE_MS + 3000);
    a.disconnect();
    const e = await ended;
    assert.equal(e.call.id, call.id);
    assert.equal(e.call.outcome, "missed");
    assert.equal(e.reason, "connection_lost");
    assert.equal((await labelOf(bob, call.id)).label, "Missed");
  });

  test("rejoin is only for participants of a live call", async () => {
    const [alice, bob] = await pair();
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await ring(a, b, bob.id);
    expectError(await emitAck(b, "call:rejoin", { callId: call.id }), "invalid_state");
    expectOk(await emitAck(a, "call:rejoin", { callId: call.id }), "the ringing caller may rejoin");
    expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
    expectError(await emitAck(a, "call:rejoin", { callId: call.id }), "invalid_state");
    expectError(await emitAck(a, "call:rejoin", { callId: "no_such_call" }), "not_found");
  });
});
