// "Hide my IP address" on the server (server/privacy.ts): from a user who has
// it on, a candidate that is not a relay candidate — alone or inside an SDP
// (signal:description, the answer on call:accept) — is refused with
// `relay_only` and reaches nobody; their relay candidates pass; users who
// don't hide are not affected.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Db } from "../../server/db/client";
import { candidateType, relayOnlyCheck, sdpRelayOnly, setHideIp } from "../../server/privacy";
import { emitAck, establish, expectError, expectOk, flush, received, ring, startHarness, type ClientSocket, type Harness, type TestUser } from "./harness";

const HOST = "candidate:1 1 udp 2122260223 192.168.1.7 50000 typ host generation 0";
const SRFLX = "candidate:2 1 udp 1686052607 203.0.113.9 40000 typ srflx raddr 192.168.1.7 rport 50000";
const MDNS = "candidate:3 1 udp 2122260223 0b9f3c4e-1111-2222-3333-444455556666.local 50000 typ host";
const RELAY = "candidate:4 1 udp 41885439 198.51.100.5 60000 typ relay raddr 203.0.113.9 rport 40000";
const SDP = (candidate?: string) => `v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n${candidate ? `a=${candidate}\r\n` : ""}`;

describe("candidate types", () => {
  test("are read from the candidate line", () => {
    assert.deepEqual([HOST, SRFLX, MDNS, RELAY].map(candidateType), ["host", "srflx", "host", "relay"]);
    assert.equal(sdpRelayOnly(SDP(RELAY)), true);
    assert.equal(sdpRelayOnly(SDP()), true);
    assert.equal(sdpRelayOnly(SDP(HOST)), false);
    // Any line of it, however the lines end; a candidate line without a type is not a relay one.
    assert.equal(sdpRelayOnly(`a=${HOST}\r\n${SDP(RELAY)}`), false);
    assert.equal(sdpRelayOnly(`${SDP(RELAY)}a=${RELAY}\na=${SRFLX}`), false);
    assert.equal(sdpRelayOnly(`${SDP(RELAY)}a=${RELAY}\n`), true);
    assert.equal(sdpRelayOnly(`${SDP()}a=candidate:1 1 udp 1 10.0.0.1 9 typ\r\nrelay`), false);
    assert.equal(sdpRelayOnly(`${SDP()} a=${HOST}`), true, "not a candidate line: it does not start the line");
  });
});

describe("the server's check", () => {
  // A client with no reader of its own takes Prisma's path: count its reads.
  const fakeDb = (hides: boolean, failFirst = false) => {
    let reads = 0;
    const db = {
      user: {
        findUnique: async () => {
          reads++;
          if (failFirst && reads === 1) throw new Error("database gone");
          return { hideIp: hides };
        },
      },
    } as unknown as Db;
    return { db, reads: () => reads };
  };

  test("reads the setting once for a burst of candidates, and refuses every one of them", async () => {
    const { db, reads } = fakeDb(true);
    const check = relayOnlyCheck(db);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => check.candidate("u1", HOST)));
    assert.equal(reads(), 1, "one read for ten candidates that arrived together");
    for (const r of results) assert.equal(r.status === "rejected" && (r.reason as { code?: string }).code, "relay_only");
    await check.candidate("u1", RELAY);
    await assert.rejects(check.sdp("u1", SDP(HOST)), (e: { code?: string }) => e.code === "relay_only");
    assert.equal(reads(), 1, "still within the TTL: no new read");
  });

  test("reads again after the TTL, and does not keep a failed read", async () => {
    const { db, reads } = fakeDb(false, true);
    const check = relayOnlyCheck(db, 20);
    await assert.rejects(check.candidate("u1", HOST), /database gone/);
    await check.candidate("u1", HOST);
    assert.equal(reads(), 2, "the failed read was not cached");
    await new Promise((r) => setTimeout(r, 30));
    await check.candidate("u1", HOST);
    assert.equal(reads(), 3, "read again once the TTL had passed");
  });
});

describe("a user who hides their IP address", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  let a: ClientSocket, b: ClientSocket;

  before(async () => {
    h = await startHarness();
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    await setHideIp(h.db, alice.id, true);
    [a, b] = await Promise.all([h.connect(alice), h.connect(bob)]);
  });
  after(() => h.close());

  const candidatesAt = (s: ClientSocket, callId: string) => received(s, "signal:candidate").filter((p) => p.callId === callId);

  test("cannot send a host, server-reflexive or mDNS candidate; a relay one passes", async () => {
    const call = await establish(a, b, bob.id);
    for (const candidate of [HOST, SRFLX, MDNS]) {
      expectError(await emitAck(a, "signal:candidate", { callId: call.id, candidate: { candidate, sdpMid: "0", sdpMLineIndex: 0 } }), "relay_only");
    }
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: { candidate: RELAY, sdpMid: "0", sdpMLineIndex: 0 } }));
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: null }));
    await flush(b);
    const got = candidatesAt(b, call.id);
    assert.deepEqual(
      got.map((p) => p.candidate?.candidate ?? null),
      [RELAY, null],
      "only the relay candidate and the end marker reached Bob",
    );
    // Bob does not hide: his host candidate is relayed as ever.
    expectOk(await emitAck(b, "signal:candidate", { callId: call.id, candidate: { candidate: HOST, sdpMid: "0", sdpMLineIndex: 0 } }));
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });

  test("cannot send an SDP with a non-relay candidate, as a description or as the answer of call:accept", async () => {
    const call = await establish(a, b, bob.id);
    expectError(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: SDP(HOST) } }), "relay_only");
    expectOk(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: SDP(RELAY) } }));
    await flush(b);
    assert.deepEqual(
      received(b, "signal:description").filter((p) => p.callId === call.id).map((p) => p.description.sdp),
      [SDP(RELAY)],
    );
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));

    // Alice as the callee: her prepared answer with a host candidate is refused and the call keeps ringing.
    const back = await ring(b, a, alice.id);
    expectError(await emitAck(a, "call:accept", { callId: back.id, answer: { type: "answer", sdp: SDP(SRFLX) } }), "relay_only");
    assert.equal((await h.db.call.findUnique({ where: { id: back.id } }))?.status, "ringing");
    expectOk(await emitAck(a, "call:accept", { callId: back.id, answer: { type: "answer", sdp: SDP(RELAY) } }));
    expectOk(await emitAck(b, "call:hangup", { callId: back.id }));
  });
});
