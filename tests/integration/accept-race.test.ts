// Races. A callee with two tabs: both ring, and when both accept at the same
// moment the database's conditional update lets exactly one win. Two invites at
// the same moment: only one may ring. Repeated, because a race that is only
// checked once proves little.
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

const ICE: IceServer[] = [{ urls: ["stun:127.0.0.1:3478"] }, { urls: ["turn:127.0.0.1:3478?transport=udp"], username: "1700000000:u", credential: "c2VjcmV0" }];
const ROUNDS = 20;

describe("two devices accept at once", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  let a: ClientSocket, b1: ClientSocket, b2: ClientSocket;

  before(async () => {
    // More rings than the default 20/minute, and more events a second than one user's
    // budget (100/s, all sockets together): this file rings 20+ rounds back to back on purpose.
    const limits = {
      ...createLimits(),
      ring: new RateLimiterMemory({ keyPrefix: "ring-test", points: 1000, duration: 60 }),
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

  test("both of the callee's sockets get call:incoming", async () => {
    const r1 = waitFor(b1, "call:incoming");
    const r2 = waitFor(b2, "call:incoming");
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
    const [i1, i2] = await Promise.all([r1, r2]);
    assert.deepEqual(i1.call, call);
    assert.deepEqual(i2.call, call);
    await flush(a);
    assert.equal(received(a, "call:incoming").length, 0, "the caller does not ring");
    expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
  });

  test(`simultaneous accepts: exactly one winner, ${ROUNDS} rounds`, async () => {
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rings = [waitFor(b1, "call:incoming"), waitFor(b2, "call:incoming")];
      const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }), `round ${round} invite`);
      await Promise.all(rings);

      const accepted = waitFor(a, "call:accepted", (p) => p.call.id === call.id);
      const elsewhere = [b1, b2].map((s) => received(s, "call:answered-elsewhere").length);
      const acks = await Promise.all([b1, b2].map((s) => emitAck(s, "call:accept", { callId: call.id })));

      const won = acks.flatMap((ack, i) => (ack.ok ? [i] : []));
      winners.push(won.length);
      assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(acks.map((x) => (x.ok ? "ok" : x.code)))}`);
      const w = won[0]!;
      const loser = 1 - w;
      const winAck = expectOk(acks[w]!);
      assert.equal(winAck.call.status, "active");
      assert.deepEqual(winAck.iceServers, ICE);
      expectError(acks[loser], "answered_elsewhere", `round ${round} loser`);

      const acc = await accepted;
      assert.equal(acc.call.id, call.id);
      assert.equal(acc.call.status, "active");
      assert.deepEqual(acc.iceServers, ICE);

      const sockets = [b1, b2];
      await Promise.all([flush(b1), flush(b2)]);
      assert.deepEqual(received(sockets[loser]!, "call:answered-elsewhere").slice(elsewhere[loser]), [{ callId: call.id }], "the loser is told");
      assert.equal(received(sockets[w]!, "call:answered-elsewhere").length, elsewhere[w], "the winner is not told");

      const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
      assert.equal(row.status, "active");
      assert.ok(row.answeredAt);

      // Only the winner can relay.
      expectOk(await emitAck(sockets[w]!, "signal:candidate", { callId: call.id, candidate: null }));
      expectError(await emitAck(sockets[loser]!, "signal:candidate", { callId: call.id, candidate: null }), "not_in_call");

      const ended = waitFor(sockets[w]!, "call:ended", (p) => p.call.id === call.id);
      expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
      await ended;
    }
    assert.deepEqual(winners, Array.from({ length: ROUNDS }, () => 1));
    // The caller got exactly one call:accepted per round.
    assert.equal(received(a, "call:accepted").length, ROUNDS);
  });

  test("accepting after the other device won, or after the end, is refused", async () => {
    const rings = [waitFor(b1, "call:incoming"), waitFor(b2, "call:incoming")];
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "audio" }));
    await Promise.all(rings);
    expectOk(await emitAck(b1, "call:accept", { callId: call.id }));
    expectError(await emitAck(b2, "call:accept", { callId: call.id }), "answered_elsewhere");
    expectError(await emitAck(b1, "call:accept", { callId: call.id }), "answered_elsewhere");
    expectError(await emitAck(a, "call:accept", { callId: call.id }), "invalid_state");
    expectOk(await emitAck(b1, "call:hangup", { callId: call.id }));
    expectError(await emitAck(b2, "call:accept", { callId: call.id }), "invalid_state");
  });

  test(`two callers ring one callee at the same moment: one rings, the other is busy, ${ROUNDS} rounds`, async () => {
    const carol = await h.createUser("Carol");
    await h.makeContacts(carol, bob);
    for (let round = 0; round < ROUNDS; round++) {
      // Straight into the call service: over sockets the two invites rarely
      // interleave on this machine, in the service they always would.
      const results = await Promise.allSettled([
        h.signaling.calls.invite(alice.id, bob.id, "video", "no-socket"),
        h.signaling.calls.invite(carol.id, bob.id, "video", "no-socket"),
      ]);
      const statuses = results.map((r) => (r.status === "fulfilled" ? `${r.value.call.status}/${r.value.call.outcome}` : String(r.reason)));
      assert.deepEqual([...statuses].sort(), ["ended/busy", "ringing/null"], `round ${round}`);
      assert.equal(await h.db.call.count({ where: { calleeId: bob.id, status: "ringing" } }), 1);
      for (const r of results) {
        if (r.status === "fulfilled" && r.value.call.status === "ringing") {
          await h.signaling.calls.cancel(r.value.call.id, r.value.call.caller.id);
        }
      }
    }
  });

  test(`one caller's two tabs invite at the same moment: one rings, the other gets caller_busy, ${ROUNDS} rounds`, async () => {
    const dave = await h.createUser("Dave");
    await h.makeContacts(alice, dave);
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.allSettled([
        h.signaling.calls.invite(alice.id, bob.id, "video", "no-socket"),
        h.signaling.calls.invite(alice.id, dave.id, "audio", "no-socket"),
      ]);
      const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.call] : []));
      const refused = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { code?: string }).code] : []));
      assert.equal(ok.length, 1, `round ${round}: ${ok.length} rang`);
      assert.deepEqual(refused, ["caller_busy"]);
      assert.equal(await h.db.call.count({ where: { callerId: alice.id, status: "ringing" } }), 1);
      await h.signaling.calls.cancel(ok[0]!.id, alice.id);
    }
  });
});
