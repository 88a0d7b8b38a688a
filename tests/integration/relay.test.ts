// SDP/ICE relay: only the two sockets that legitimately joined a call (the
// caller's socket that placed it, the callee's socket that answered) exchange
// descriptions and candidates. Anybody else, even a contact of both or another
// tab of a participant, gets not_in_call and delivers nothing.
import assert from "node:assert/strict";
import type { Socket as NetSocket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Payload } from "../../server/protocol/events";
import {
  emitAck,
  establish,
  expectError,
  expectOk,
  flush,
  hangup,
  received,
  ring,
  startHarness,
  until,
  waitFor,
  type ClientSocket,
  type Harness,
  type TestUser,
} from "./harness";

const OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=offer\r\nt=0 0\r\n";
const ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=answer\r\nt=0 0\r\n";
const EVIL = "v=0\r\no=- 666 0 IN IP4 6.6.6.6\r\ns=evil\r\nt=0 0\r\n";
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

describe("signal:description / signal:candidate relay", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser, carol: TestUser;
  let a: ClientSocket, a2: ClientSocket, b1: ClientSocket, b2: ClientSocket, c: ClientSocket;
  let callId: string;

  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000 });
    [alice, bob, carol] = [await h.createUser("Alice"), await h.createUser("Bob"), await h.createUser("Carol")];
    await h.makeContacts(alice, bob);
    // Carol is a contact of both participants: still not part of their call.
    await h.makeContacts(carol, alice);
    await h.makeContacts(carol, bob);
    a = await h.connect(alice);
    a2 = await h.connect(alice);
    b1 = await h.connect(bob);
    b2 = await h.connect(bob);
    c = await h.connect(carol);
  });
  after(() => h.close());

  const all = () => [a, a2, b1, b2, c];
  const count = (s: ClientSocket) => received(s, "signal:description").length + received(s, "signal:candidate").length;

  /** Runs `fn`, then proves that no socket received any signal message meanwhile. */
  async function expectNothingDelivered(fn: () => Promise<void>) {
    const before = all().map(count);
    await fn();
    await Promise.all(all().map(flush));
    assert.deepEqual(all().map(count), before, "a relay message was delivered");
  }

  test("while ringing, the callee's sockets cannot relay yet", async () => {
    const call = await ring(a, b1, bob.id);
    callId = call.id;
    await expectNothingDelivered(async () => {
      for (const s of [b1, b2]) {
        expectError(await emitAck(s, "signal:description", { callId, description: { type: "answer", sdp: ANSWER } }), "not_in_call");
        expectError(await emitAck(s, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
      }
    });
  });

  test("the callee's answering socket joins; the other tab and the caller learn of it", async () => {
    const elsewhere = waitFor(b2, "call:answered-elsewhere");
    const accepted = waitFor(a, "call:accepted");
    expectOk(await emitAck(b1, "call:accept", { callId }));
    assert.deepEqual(await elsewhere, { callId });
    assert.equal((await accepted).call.status, "active");
  });

  test("participants' offer, answer and candidates are relayed to each other, unchanged, and not echoed", async () => {
    const offer: Payload<"signal:description"> = { callId, description: { type: "offer", sdp: OFFER } };
    const gotOffer = waitFor(b1, "signal:description");
    expectOk(await emitAck(a, "signal:description", offer));
    assert.deepEqual(await gotOffer, offer);

    const answer: Payload<"signal:description"> = { callId, description: { type: "answer", sdp: ANSWER } };
    const gotAnswer = waitFor(a, "signal:description");
    expectOk(await emitAck(b1, "signal:description", answer));
    assert.deepEqual(await gotAnswer, answer);

    const cand: Payload<"signal:candidate"> = { callId, candidate: CANDIDATE };
    const gotCandB = waitFor(b1, "signal:candidate");
    expectOk(await emitAck(a, "signal:candidate", cand));
    assert.deepEqual(await gotCandB, cand);

    const endOfCandidates: Payload<"signal:candidate"> = { callId, candidate: null };
    const gotCandA = waitFor(a, "signal:candidate");
    expectOk(await emitAck(b1, "signal:candidate", endOfCandidates));
    assert.deepEqual(await gotCandA, endOfCandidates);

    await Promise.all(all().map(flush));
    // Exactly what was sent, to exactly the other participant.
    assert.deepEqual(received(a, "signal:description"), [answer]);
    assert.deepEqual(received(a, "signal:candidate"), [endOfCandidates]);
    assert.deepEqual(received(b1, "signal:description"), [offer]);
    assert.deepEqual(received(b1, "signal:candidate"), [cand]);
    for (const s of [a2, b2, c]) assert.equal(count(s), 0, "a bystander got a relay message");
  });

  test("a third user (contact of both) with the real callId gets not_in_call and delivers nothing", async () => {
    await expectNothingDelivered(async () => {
      expectError(await emitAck(c, "signal:description", { callId, description: { type: "offer", sdp: EVIL } }), "not_in_call");
      expectError(await emitAck(c, "signal:description", { callId, description: { type: "answer", sdp: EVIL } }), "not_in_call");
      expectError(await emitAck(c, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
      expectError(await emitAck(c, "signal:candidate", { callId, candidate: null }), "not_in_call");
    });
  });

  test("the callee's second tab that did not answer cannot relay", async () => {
    await expectNothingDelivered(async () => {
      expectError(await emitAck(b2, "signal:description", { callId, description: { type: "answer", sdp: EVIL } }), "not_in_call");
      expectError(await emitAck(b2, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
    });
  });

  test("the caller's other tab that did not place the call cannot relay", async () => {
    await expectNothingDelivered(async () => {
      expectError(await emitAck(a2, "signal:description", { callId, description: { type: "offer", sdp: EVIL } }), "not_in_call");
      expectError(await emitAck(a2, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
    });
  });

  test("a third user cannot join the call room by accepting, rejoining or hanging up", async () => {
    expectError(await emitAck(c, "call:accept", { callId }), "not_found");
    expectError(await emitAck(c, "call:rejoin", { callId }), "not_found");
    expectError(await emitAck(c, "call:hangup", { callId }), "not_found");
    expectError(await emitAck(c, "call:cancel", { callId }), "not_found");
    expectError(await emitAck(c, "call:decline", { callId }), "not_found");
    await expectNothingDelivered(async () => {
      expectError(await emitAck(c, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
    });
    const row = await h.db.call.findUniqueOrThrow({ where: { id: callId } });
    assert.equal(row.status, "active", "the call is untouched");
  });

  test("an unknown callId → not_in_call", async () => {
    await expectNothingDelivered(async () => {
      expectError(await emitAck(a, "signal:candidate", { callId: "no_such_call", candidate: CANDIDATE }), "not_in_call");
    });
  });

  test("a participant's call does not let them into another call's room", async () => {
    // Carol and Dave have their own call; Alice (in a call herself) cannot relay into it.
    const dave = await h.createUser("Dave");
    await h.makeContacts(carol, dave);
    const d = await h.connect(dave);
    const other = await establish(c, d, dave.id);
    await expectNothingDelivered(async () => {
      expectError(await emitAck(a, "signal:description", { callId: other.id, description: { type: "offer", sdp: EVIL } }), "not_in_call");
    });
    const d2 = waitFor(d, "signal:candidate");
    expectOk(await emitAck(c, "signal:candidate", { callId: other.id, candidate: CANDIDATE }));
    assert.deepEqual(await d2, { callId: other.id, candidate: CANDIDATE });
    await hangup(c, other.id);
    d.disconnect();
  });

  test("a burst of candidates arrives complete and in order, in fewer writes to the kernel than packets", async () => {
    // The callee's TCP socket on the server: count the system writes it makes.
    const conn = h.signaling.nsp.sockets.get(b1.id!)?.conn as unknown as { transport: { socket: { _socket: NetSocket } } };
    const tcp = conn.transport.socket._socket as NetSocket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    let writes = 0;
    const { _write, _writev } = tcp;
    tcp._write = (...args) => (writes++, _write.apply(tcp, args));
    tcp._writev = (...args) => (writes++, _writev.apply(tcp, args));
    try {
      const burst = Array.from({ length: 20 }, (_, i) => ({ callId, candidate: { ...CANDIDATE, candidate: `${CANDIDATE.candidate} generation ${i}` } }));
      const before = received(b1, "signal:candidate").length;
      const acks = burst.map((p) => emitAck(a, "signal:candidate", p));
      for (const ack of await Promise.all(acks)) expectOk(ack);
      await until(() => received(b1, "signal:candidate").length >= before + burst.length, "the whole burst");
      assert.deepEqual(received(b1, "signal:candidate").slice(before), burst);
      // One write per packet without batching (20); corked bursts share them.
      assert.ok(writes < burst.length / 2, `${writes} writes for ${burst.length} packets`);
    } finally {
      Object.assign(tcp, { _write, _writev });
    }
  });

  test("after hang-up nobody can relay for that call any more", async () => {
    const endedB = waitFor(b1, "call:ended");
    await hangup(a, callId);
    await endedB;
    await expectNothingDelivered(async () => {
      expectError(await emitAck(a, "signal:description", { callId, description: { type: "offer", sdp: OFFER } }), "not_in_call");
      expectError(await emitAck(b1, "signal:candidate", { callId, candidate: CANDIDATE }), "not_in_call");
    });
  });
});
