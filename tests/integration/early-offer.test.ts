// Answering before Accept (P3★, app/call/live-call.ts): the caller's offer,
// prepared while its call rings, reaches every tab of the callee with
// `call:offer` — only from the caller's socket, only while it rings, only
// without candidates — and the callee's prepared answer rides on
// `call:accept` to the caller's `call:accepted`. Before Accept nothing of the
// callee's is relayed to the caller.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { emitAck, expectError, expectOk, flush, received, ring, startHarness, type ClientSocket, type Harness, type TestUser } from "./harness";

const OFFER = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n";
const ANSWER = "v=0\r\no=- 3 4 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n";

describe("call:offer and the answer on call:accept", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  let a: ClientSocket, a2: ClientSocket, b1: ClientSocket, b2: ClientSocket;

  before(async () => {
    h = await startHarness();
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    [a, a2, b1, b2] = await Promise.all([h.connect(alice), h.connect(alice), h.connect(bob), h.connect(bob)]);
  });
  after(() => h.close());

  const offersTo = (s: ClientSocket, callId: string) => received(s, "call:offer").filter((p) => p.callId === callId);

  test("the caller's offer reaches every tab of the callee, with the callee's ICE servers; no tab of the caller's", async () => {
    const call = await ring(a, b1, bob.id);
    expectOk(await emitAck(a, "call:offer", { callId: call.id, description: { type: "offer", sdp: OFFER } }));
    await Promise.all([flush(b1), flush(b2), flush(a2)]);
    for (const s of [b1, b2]) {
      const [got] = offersTo(s, call.id);
      assert.equal(got?.description.sdp, OFFER);
      assert.ok(Array.isArray(got?.iceServers), "with ICE servers");
    }
    assert.equal(offersTo(a2, call.id).length, 0, "the caller's other tab gets nothing");
    expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
  });

  test("an offer with a candidate in it is refused and reaches nobody", async () => {
    const call = await ring(a, b1, bob.id);
    for (const sdp of [`${OFFER}a=candidate:1 1 udp 2122260223 10.0.0.7 50000 typ host\r\n`, `${OFFER}a=end-of-candidates\r\n`]) {
      expectError(await emitAck(a, "call:offer", { callId: call.id, description: { type: "offer", sdp } }), "invalid_payload");
    }
    await flush(b1);
    assert.equal(offersTo(b1, call.id).length, 0);
    expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
  });

  test("only the caller's socket in the call may send it, and only while it rings", async () => {
    const call = await ring(a, b1, bob.id);
    const offer = { callId: call.id, description: { type: "offer" as const, sdp: OFFER } };
    // The callee (not in the call's room before Accept) and the caller's other tab.
    expectError(await emitAck(b1, "call:offer", offer), "not_in_call");
    expectError(await emitAck(a2, "call:offer", offer), "not_in_call");
    expectOk(await emitAck(b1, "call:accept", { callId: call.id }));
    expectError(await emitAck(a, "call:offer", offer), "invalid_state");
    await Promise.all([flush(b1), flush(b2)]);
    assert.equal(offersTo(b1, call.id).length + offersTo(b2, call.id).length, 0);
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });

  test("the answer sent with call:accept reaches the caller with call:accepted, and nothing before", async () => {
    const call = await ring(a, b1, bob.id);
    await flush(a);
    assert.equal(received(a, "call:accepted").filter((p) => p.call.id === call.id).length, 0);
    expectOk(await emitAck(b2, "call:accept", { callId: call.id, answer: { type: "answer", sdp: ANSWER } }));
    await flush(a);
    const accepted = received(a, "call:accepted").filter((p) => p.call.id === call.id);
    assert.equal(accepted.length, 1);
    assert.deepEqual(accepted[0]!.answer, { type: "answer", sdp: ANSWER });
    await flush(b1);
    assert.equal(received(b1, "call:accepted").length, 0, "the callee's other tab is told answered-elsewhere, not the answer");
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });

  test("an accept without an answer tells the caller with none (the caller then sends its offer)", async () => {
    const call = await ring(a, b1, bob.id);
    expectOk(await emitAck(b1, "call:accept", { callId: call.id }));
    await flush(a);
    const accepted = received(a, "call:accepted").find((p) => p.call.id === call.id);
    assert.ok(accepted);
    assert.equal("answer" in accepted, false);
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });

  test("a malformed answer is refused and the call keeps ringing", async () => {
    const call = await ring(a, b1, bob.id);
    expectError(await emitAck(b1, "call:accept", { callId: call.id, answer: { type: "offer", sdp: ANSWER } as never }), "invalid_payload");
    expectError(await emitAck(b1, "call:accept", { callId: call.id, answer: { type: "answer", sdp: "x".repeat(40_000) } }), "invalid_payload");
    assert.equal((await h.db.call.findUnique({ where: { id: call.id } }))?.status, "ringing");
    expectOk(await emitAck(a, "call:cancel", { callId: call.id }));
  });
});
