// Who gets which TURN credential: through the real signaling namespace (the
// integration harness: a real server on port 0, real sockets, a temporary
// database), each participant of a call gets a credential signed for their own
// user id: the caller in its invite ack while the call rings (it prepares its
// peer connection then) and in call:accepted, the callee in its accept ack, a
// rejoining user in the rejoin ack, and the socket in the call a fresh one
// whenever it asks (call:renew-ice, before an ICE restart).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { IceServer } from "../../server/protocol/events";
import { iceServersFromEnv } from "../../server/ice";
import { emitAck, expectOk, hangup, ring, startHarness, waitFor, type ClientSocket, type Harness, type TestUser } from "../integration/harness";

const SECRET = "turn-signaling-test-secret";
const TTL = 900;
const TURN_URLS = ["turn:127.0.0.1:3478?transport=udp"];

/** The TURN entry of a list, checked against an HMAC computed here, for `userId`. */
function assertTurnFor(servers: IceServer[], userId: string, what: string): string {
  assert.deepEqual(servers[0], { urls: ["stun:127.0.0.1:3478"] }, `${what}: STUN entry first`);
  const turn = servers[1];
  assert.ok(turn, `${what}: a TURN entry`);
  assert.deepEqual(turn.urls, TURN_URLS);
  const [expiry, owner] = (turn.username ?? "").split(":");
  assert.equal(owner, userId, `${what}: the username names this participant`);
  const left = Number(expiry) - Date.now() / 1000;
  assert.ok(left > TTL - 30 && left <= TTL + 1, `${what}: expires in ~${TTL} s (got ${left})`);
  assert.equal(turn.credential, createHmac("sha1", SECRET).update(turn.username!).digest("base64"), `${what}: HMAC`);
  assert.equal(JSON.stringify(servers).includes(SECRET), false, `${what}: no secret`);
  return turn.username!;
}

describe("per-participant TURN credentials over signaling", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  let a: ClientSocket, b: ClientSocket;
  /** The server's clock runs this far ahead (a call that has lasted that long). */
  let aheadMs = 0;

  before(async () => {
    h = await startHarness({
      graceMs: 5_000,
      iceServers: iceServersFromEnv({ STUN_URLS: ["stun:127.0.0.1:3478"], TURN_URLS, TURN_SECRET: SECRET, TURN_TTL_SECONDS: TTL }, () => Date.now() + aheadMs),
    });
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    a = await h.connect(alice);
    b = await h.connect(bob);
  });
  after(() => h.close());

  test("invite and accept: the caller's invite ack and call:accepted, and the callee's accept ack, each carry their own credential", async () => {
    const incoming = waitFor(b, "call:incoming");
    const invited = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }), "invite");
    assert.equal(invited.call.status, "ringing");
    assertTurnFor(invited.iceServers ?? [], alice.id, "caller (invite ack, ringing)");
    const ringing = await incoming;
    assert.equal(JSON.stringify(ringing).includes("credential"), false, "the callee's ring carries no credential");
    const call = invited.call;
    const accepted = waitFor(a, "call:accepted");
    const ack = expectOk(await emitAck(b, "call:accept", { callId: call.id }), "accept");
    const callerSide = await accepted;
    const calleeName = assertTurnFor(ack.iceServers, bob.id, "callee (accept ack)");
    const callerName = assertTurnFor(callerSide.iceServers, alice.id, "caller (call:accepted)");
    assert.notEqual(calleeName, callerName);

    // A reconnecting participant gets a fresh one for themselves.
    const again = await h.connect(alice);
    const rejoined = expectOk(await emitAck(again, "call:rejoin", { callId: call.id }), "rejoin");
    assertTurnFor(rejoined.iceServers, alice.id, "caller (rejoin ack)");
    await hangup(again, call.id);
    again.disconnect();
  });

  test("renew-ice: after the first credential has expired, each participant's socket in the call gets a new one of its own; nobody else does", async () => {
    const call = await ring(a, b, bob.id);
    const accepted = waitFor(a, "call:accepted");
    const first = expectOk(await emitAck(b, "call:accept", { callId: call.id }), "accept").iceServers;
    await accepted;
    const expiryOf = (servers: IceServer[]) => Number((servers[1]?.username ?? "").split(":")[0]);
    const bobTab2 = await h.connect(bob);
    try {
      // Two TTLs later the credential from the accept is long expired (coturn
      // would refuse it for a new relay): an ICE restart asks for a new one.
      aheadMs = 2 * TTL * 1000;
      const renewed = expectOk(await emitAck(b, "call:renew-ice", { callId: call.id }), "Bob renews").iceServers;
      const callerRenewed = expectOk(await emitAck(a, "call:renew-ice", { callId: call.id }), "Alice renews").iceServers;
      for (const [servers, user] of [
        [renewed, bob],
        [callerRenewed, alice],
      ] as const) {
        const turn = servers[1]!;
        assert.equal(turn.username!.split(":")[1], user.id, `${user.name}'s own user id`);
        assert.equal(turn.credential, createHmac("sha1", SECRET).update(turn.username!).digest("base64"), `${user.name}: HMAC`);
        const left = expiryOf(servers) - (Date.now() + aheadMs) / 1000;
        assert.ok(left > TTL - 30 && left <= TTL + 1, `${user.name}: valid ~${TTL} s from the server's now (got ${left})`);
      }
      assert.ok(expiryOf(renewed) > expiryOf(first) + TTL, "the renewed credential outlives the expired one");
      // Bob's tab that did not answer is not in the call: no credential.
      const ack = await emitAck(bobTab2, "call:renew-ice", { callId: call.id });
      assert.equal(ack.ok, false);
      assert.equal(!ack.ok && ack.code, "not_in_call");
      await hangup(a, call.id);
      // After the end, nobody's socket is in the call any more.
      const late = await emitAck(b, "call:renew-ice", { callId: call.id });
      assert.equal(!late.ok && late.code, "not_in_call");
    } finally {
      aheadMs = 0;
      bobTab2.disconnect();
    }
  });
});
