// Who counts as busy: a callee with any live call is "Busy" for a new caller,
// but a call merely ringing FOR you never stops you from placing one.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { emitAck, expectError, expectOk, ring, startHarness, type Harness } from "./harness";

describe("busy rules", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ ringTimeoutMs: 5000, graceMs: 400 });
  });
  after(() => h.close());

  test("a user whose phone rings can still call someone else; the ring goes on", async () => {
    const alice = await h.createUser("Alice");
    const bob = await h.createUser("Bob");
    const carol = await h.createUser("Carol");
    await h.makeContacts(alice, bob);
    await h.makeContacts(bob, carol);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    const incoming = await ring(a, b, bob.id);
    const res = expectOk(await emitAck(b, "call:invite", { calleeId: carol.id, kind: "audio" }));
    assert.equal(res.call.status, "ringing");
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: incoming.id } })).status, "ringing");
    // Bob is now placing a call: a second outgoing call is refused.
    expectError(await emitAck(b, "call:invite", { calleeId: alice.id, kind: "audio" }), "caller_busy");
    expectOk(await emitAck(b, "call:cancel", { callId: res.call.id }));
    expectOk(await emitAck(a, "call:cancel", { callId: incoming.id }));
    c.disconnect();
  });
});
