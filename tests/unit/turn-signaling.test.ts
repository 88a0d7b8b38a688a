// Who gets which TURN credential: through the real signaling namespace (the
// integration harness: a real server on port 0, real sockets, a temporary
// database), each participant of a call gets a credential signed for their own
// user id: the callee in its accept ack, the caller in call:accepted, a
// rejoining user in the rejoin ack.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { IceServer } from "../../server/call/protocol";
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

  before(async () => {
    h = await startHarness({
      graceMs: 5_000,
      iceServers: iceServersFromEnv({ STUN_URLS: ["stun:127.0.0.1:3478"], TURN_URLS, TURN_SECRET: SECRET, TURN_TTL_SECONDS: TTL }),
    });
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    a = await h.connect(alice);
    b = await h.connect(bob);
  });
  after(() => h.close());

  test("accept: the callee's ack and the caller's call:accepted each carry their own credential", async () => {
    const call = await ring(a, b, bob.id);
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
});
