// Races, repeated until a lost race would have shown: the callee's two devices
// accept at the same instant (100 rounds: exactly one wins, one call), and
// glare, both users ringing each other at the same instant (50 rounds over
// sockets, 50 straight into the service): one call that both are in, never two
// rings that make each other "busy".
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { IceServer } from "../../server/protocol/events";
import { createLimits, MessageLimit } from "../../server/rate-limits";
import {
  emitAck,
  expectError,
  expectOk,
  flush,
  received,
  startHarness,
  waitFor,
  type ClientSocket,
  type Harness,
  type TestUser,
} from "./harness";

const ICE: IceServer[] = [{ urls: ["stun:127.0.0.1:3478"] }];
const ACCEPT_ROUNDS = 100;
const GLARE_ROUNDS = 50;

describe("races", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  let a: ClientSocket, b1: ClientSocket, b2: ClientSocket;

  before(async () => {
    // These tests ring hundreds of times, as fast as they can, on purpose: lift
    // the 20 rings/minute and 100 messages/second limits (not the question here).
    const limits = {
      ...createLimits(),
      ring: new RateLimiterMemory({ keyPrefix: "ring-races", points: 100_000, duration: 60 }),
      userMessages: new MessageLimit(100_000),
    };
    h = await startHarness({ ringTimeoutMs: 10_000, iceServers: () => ICE, limits });
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    a = await h.connect(alice);
    b1 = await h.connect(bob);
    b2 = await h.connect(bob);
  });
  after(() => h.close());

  /** Calls between Alice and Bob that were not in `seen` (which then learns them). */
  const seen = new Set<string>();
  async function newCalls() {
    const rows = await h.db.call.findMany({
      where: { OR: [{ callerId: alice.id, calleeId: bob.id }, { callerId: bob.id, calleeId: alice.id }] },
      select: { id: true, status: true, outcome: true, answeredAt: true },
    });
    const fresh = rows.filter((r) => !seen.has(r.id));
    for (const r of fresh) seen.add(r.id);
    return fresh;
  }

  test(`the callee's two devices accept at the same instant, ${ACCEPT_ROUNDS} rounds: exactly one call each time`, async () => {
    await newCalls();
    const outcomes: string[] = [];
    for (let round = 0; round < ACCEPT_ROUNDS; round++) {
      const rings = [waitFor(b1, "call:incoming"), waitFor(b2, "call:incoming")];
      const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }), `round ${round} invite`);
      await Promise.all(rings);
      const accepted = waitFor(a, "call:accepted", (p) => p.call.id === call.id);
      const acks = await Promise.all([b1, b2].map((s) => emitAck(s, "call:accept", { callId: call.id })));
      const won = acks.flatMap((ack, i) => (ack.ok ? [i] : []));
      outcomes.push(acks.map((x) => (x.ok ? "ok" : x.code)).join("+"));
      assert.equal(won.length, 1, `round ${round}: ${outcomes.at(-1)}`);
      const w = won[0]!;
      expectError(acks[1 - w], "answered_elsewhere", `round ${round} loser`);
      assert.equal((await accepted).call.status, "active");
      assert.equal(await h.db.call.count({ where: { status: "active" } }), 1, `round ${round}: one active call`);
      const winner = [b1, b2][w]!;
      const ended = waitFor(winner, "call:ended", (p) => p.call.id === call.id);
      expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
      await ended;
    }
    const rows = await newCalls();
    const tally = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});
    console.log(`[metric] accept race: ${ACCEPT_ROUNDS} rounds, acks ${JSON.stringify(tally(outcomes))}`);
    // One row per round, every one answered once and completed.
    assert.equal(rows.length, ACCEPT_ROUNDS);
    assert.deepEqual(tally(rows.map((r) => `${r.status}/${r.outcome}/${r.answeredAt ? "answered" : "-"}`)), {
      [`ended/completed/answered`]: ACCEPT_ROUNDS,
    });
    assert.equal(received(a, "call:accepted").length, ACCEPT_ROUNDS, "the caller was told once per round");
  });

  test(`glare over sockets, ${GLARE_ROUNDS} rounds: both ring each other at once → one active call both are in`, async () => {
    await newCalls();
    let calls = 0;
    const orders: Record<string, number> = {};
    for (let round = 0; round < GLARE_ROUNDS; round++) {
      const acceptedA = received(a, "call:accepted").length;
      const acceptedB = received(b1, "call:accepted").length;
      // Alternate who sends first, so both orders of arrival are covered.
      const inviteA = () => emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" });
      const inviteB = () => emitAck(b1, "call:invite", { calleeId: alice.id, kind: "audio" });
      let ackA: Awaited<ReturnType<typeof inviteA>>, ackB: Awaited<ReturnType<typeof inviteB>>;
      if (round % 2 === 0) [ackA, ackB] = await Promise.all([inviteA(), inviteB()]);
      else [ackB, ackA] = await Promise.all([inviteB(), inviteA()]);
      const ra = expectOk(ackA, `round ${round} alice's invite`);
      const rb = expectOk(ackB, `round ${round} bob's invite`);
      assert.equal(ra.call.id, rb.call.id, `round ${round}: both acks name one call`);
      const statuses = `${ra.call.status}/${rb.call.status}`;
      assert.ok(statuses === "ringing/active" || statuses === "active/ringing", `round ${round}: ${statuses}`);
      // The one whose invite came second answered the first one's call.
      const [first, second, firstAck, secondAck] = ra.call.status === "ringing" ? [a, b1, ra, rb] : [b1, a, rb, ra];
      orders[first === a ? "alice first" : "bob first"] = (orders[first === a ? "alice first" : "bob first"] ?? 0) + 1;
      const firstUser = first === a ? alice : bob;
      const secondUser = first === a ? bob : alice;
      assert.equal(firstAck.call.caller.id, firstUser.id);
      assert.equal(secondAck.call.callee.id, secondUser.id, "the second inviter is the callee of the call");
      assert.deepEqual(secondAck.iceServers, ICE);
      // The first inviter's call rang: its ack carried its own ICE servers (it
      // prepares its peer connection while it rings).
      assert.deepEqual(firstAck.iceServers, ICE);
      const callId = ra.call.id;

      // The original caller is told the call was accepted.
      await Promise.all([flush(a), flush(b1), flush(b2)]);
      const acceptedNow = [received(a, "call:accepted").length - acceptedA, received(b1, "call:accepted").length - acceptedB];
      assert.deepEqual(acceptedNow, first === a ? [1, 0] : [0, 1], `round ${round}: call:accepted goes to the first inviter only`);
      const acc = received(first, "call:accepted").at(-1)!;
      assert.equal(acc.call.id, callId);
      assert.deepEqual(acc.iceServers, ICE);

      // One call in the database: active, nothing ringing, no "busy" row.
      const rows = await newCalls();
      calls += rows.length;
      assert.deepEqual(
        rows.map((r) => r.status),
        ["active"],
        `round ${round}: rows ${JSON.stringify(rows)}`,
      );
      assert.equal(await h.db.call.count({ where: { status: "ringing" } }), 0);

      // Both sockets are in the call: each one's signal reaches the other.
      const toFirst = waitFor(first, "signal:candidate", (p) => p.callId === callId);
      const toSecond = waitFor(second, "signal:candidate", (p) => p.callId === callId);
      expectOk(await emitAck(second, "signal:candidate", { callId, candidate: null }));
      expectOk(await emitAck(first, "signal:candidate", { callId, candidate: null }));
      await Promise.all([toFirst, toSecond]);
      // Bob's other tab is not in it.
      expectError(await emitAck(b2, "signal:candidate", { callId, candidate: null }), "not_in_call");

      const ended = waitFor(second, "call:ended", (p) => p.call.id === callId);
      expectOk(await emitAck(first, "call:hangup", { callId }));
      assert.equal((await ended).call.outcome, "completed");
    }
    assert.equal(calls, GLARE_ROUNDS, "one call per round");
    const ended = await h.db.call.findMany({ where: { id: { in: [...seen] } }, select: { status: true, outcome: true } });
    assert.ok(ended.every((r) => r.status === "ended"));
    console.log(`[metric] glare over sockets: ${GLARE_ROUNDS} rounds → ${calls} calls, each answered by the crossing invite (${JSON.stringify(orders)})`);
  });

  test(`glare straight into the call service, ${GLARE_ROUNDS} rounds: the per-user locks leave one call`, async () => {
    await newCalls();
    let calls = 0;
    for (let round = 0; round < GLARE_ROUNDS; round++) {
      // Both invites enter the service in the same tick; the locks order them.
      const results = await Promise.all([
        h.signaling.calls.invite(alice.id, bob.id, "video", "no-socket-a"),
        h.signaling.calls.invite(bob.id, alice.id, "video", "no-socket-b"),
      ]);
      const statuses = results.map((r) => r.call.status).sort();
      assert.deepEqual(statuses, ["active", "ringing"], `round ${round}`);
      assert.equal(results[0].call.id, results[1].call.id);
      const rows = await newCalls();
      calls += rows.length;
      assert.deepEqual(
        rows.map((r) => r.status),
        ["active"],
        `round ${round}`,
      );
      await h.signaling.calls.hangup(results[0].call.id, alice.id);
    }
    assert.equal(calls, GLARE_ROUNDS);
  });

  test("glare does not override the busy rules: a caller placing another call still gets caller_busy", async () => {
    const carol = await h.createUser("Carol");
    await h.makeContacts(bob, carol);
    await h.makeContacts(alice, carol);
    const c = await h.connect(carol);
    // Alice rings Bob; Bob is already ringing Carol, so he cannot place (or answer by inviting) a call.
    const ringCarol = waitFor(c, "call:incoming");
    const toCarol = expectOk(await emitAck(b1, "call:invite", { calleeId: carol.id, kind: "video" })).call;
    await ringCarol;
    const toBob = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    assert.equal(toBob.status, "ended", "Bob is busy (he is placing a call)");
    expectError(await emitAck(b1, "call:invite", { calleeId: alice.id, kind: "video" }), "caller_busy");
    expectOk(await emitAck(b1, "call:cancel", { callId: toCarol.id }));
    c.disconnect();
  });

  test("a crossing ring that ended a moment before is not answered: the invite rings as usual", async () => {
    const ringB = waitFor(b1, "call:incoming");
    const first = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    await ringB;
    expectOk(await emitAck(a, "call:cancel", { callId: first.id }));
    const ringA = waitFor(a, "call:incoming");
    const second = expectOk(await emitAck(b1, "call:invite", { calleeId: alice.id, kind: "video" })).call;
    assert.equal(second.status, "ringing");
    assert.notEqual(second.id, first.id);
    await ringA;
    expectOk(await emitAck(b1, "call:cancel", { callId: second.id }));
  });
});
