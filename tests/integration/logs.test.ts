// The server's JSON log lines: a whole call through real sockets (sign-in
// through next-auth's authorize, a wrong password, ring, accept, SDP and ICE
// relayed both ways, hang-up, refused events) is logged as events with ids
// and outcomes, and none of the lines holds the password, the session
// cookie, the SDP or a candidate. A flood of refused events is sampled.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { authOptions, CLIENT_IP_HEADER } from "../../server/auth/options";
import { setDb } from "../../server/db/client";
import { createLog, setLog } from "../../server/observability/log";
import { createLimits, setLimits } from "../../server/rate-limits";
import { emitAck, emitRawAck, establish, expectOk, hangup, startHarness, waitFor, type Harness } from "./harness";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string } | null>;
type Line = Record<string, unknown> & { event?: string };

// Markers that must never reach a log line.
const SDP = "v=0\r\no=- 4242424242 2 IN IP4 127.0.0.1\r\ns=secret-offer-marker\r\nt=0 0\r\n";
const SDP_ANSWER = "v=0\r\no=- 5353535353 2 IN IP4 127.0.0.1\r\ns=secret-answer-marker\r\nt=0 0\r\n";
const CANDIDATE = "candidate:987654321 1 udp 2122260223 192.0.2.77 54321 typ host";

describe("structured logs", () => {
  let h: Harness;
  const raw: string[] = [];
  const lines = (): Line[] => raw.map((l) => JSON.parse(l) as Line);
  const events = (name: string) => lines().filter((l) => l.event === name);

  before(async () => {
    // The most verbose level: whatever any level would write is searched.
    const log = createLog({ level: "trace", destination: { write: (s: string) => void raw.push(s) } });
    setLog(log);
    h = await startHarness({ ringTimeoutMs: 10_000, log });
    setDb(h.dbUrl, h.db);
    process.env.DATABASE_URL = h.dbUrl;
    setLimits(createLimits());
  });
  after(() => h.close());

  test("a whole call is logged as events, without password, cookie, SDP or candidates", async () => {
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);

    const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
    const from = { headers: { [CLIENT_IP_HEADER]: "203.0.113.9" } };
    assert.equal(await authorize({ email: alice.email, password: "not-" + alice.password }, from), null);
    assert.equal((await authorize({ email: alice.email, password: alice.password }, from))?.id, alice.id);

    const cookieA = await h.cookieFor(alice);
    const cookieB = await h.cookieFor(bob);
    const a = await h.connect({ cookie: cookieA });
    const b = await h.connect({ cookie: cookieB });
    const call = await establish(a, b, bob.id);

    const gotOffer = waitFor(b, "signal:description");
    expectOk(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: SDP } }));
    await gotOffer;
    const gotAnswer = waitFor(a, "signal:description");
    expectOk(await emitAck(b, "signal:description", { callId: call.id, description: { type: "answer", sdp: SDP_ANSWER } }));
    await gotAnswer;
    const gotCandidate = waitFor(b, "signal:candidate");
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: { candidate: CANDIDATE, sdpMid: "0", sdpMLineIndex: 0 } }));
    await gotCandidate;
    // Refused: a relay for a call this socket is not in, carrying SDP; garbage; an unknown event.
    await emitRawAck(a, "signal:description", { callId: "00000000-0000-4000-8000-000000000000", description: { type: "offer", sdp: SDP } });
    await emitRawAck(a, "call:invite", { calleeId: 42, sdp: SDP });
    await emitRawAck(a, "no:such-event", { candidate: CANDIDATE });
    await hangup(a, call.id);

    // What was logged.
    const signIns = events("auth.sign_in");
    assert.deepEqual(
      signIns.map((l) => l.outcome),
      ["failure", "success"],
    );
    assert.equal(signIns[1]!.userId, alice.id);
    const placed = events("call.placed");
    assert.equal(placed.length, 1);
    assert.deepEqual([placed[0]!.callId, placed[0]!.callerId, placed[0]!.calleeId], [call.id, alice.id, bob.id]);
    assert.equal(events("call.answered")[0]?.callId, call.id);
    const ended = events("call.ended");
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.callId, call.id);
    assert.equal(ended[0]!.outcome, "completed");
    assert.equal(ended[0]!.endedBy, alice.id);
    assert.equal(typeof ended[0]!.durationMs, "number");
    const refused = events("socket.refused").map((l) => `${String(l.socketEvent)}:${String(l.code)}`);
    assert.deepEqual(refused.sort(), ["call:invite:invalid_payload", "signal:description:not_in_call", "unknown:invalid_payload"]);
    for (const l of lines()) assert.equal(typeof l.time, "string", "every line has its time");

    // What was not.
    const all = raw.join("\n");
    const secrets: [string, string][] = [
      ["the password", alice.password],
      ["the wrong password", "not-" + alice.password],
      ["Alice's session cookie", cookieA.split("=")[1]!],
      ["Bob's session cookie", cookieB.split("=")[1]!],
      ["the offer SDP", "secret-offer-marker"],
      ["the answer SDP", "secret-answer-marker"],
      ["an SDP line", "4242424242"],
      ["the candidate", "987654321"],
      ["the candidate's address", "192.0.2.77"],
      ["the email", alice.email],
    ];
    for (const [what, value] of secrets) assert.ok(!all.includes(value), `${what} is in the logs`);
  });

  test("a flood of refused events writes a bounded number of lines", async () => {
    const [carol, dave] = [await h.createUser("Carol"), await h.createUser("Dave")];
    await h.makeContacts(carol, dave);
    const c = await h.connect(carol);
    const before = events("socket.refused").length;
    // 60 refusals of one kind (well under the message rate limit of 100/s).
    for (let i = 0; i < 60; i++) await emitRawAck(c, "call:hangup", { callId: "not-a-uuid" });
    const flood = events("socket.refused").slice(before);
    assert.ok(flood.length <= 10, `${flood.length} lines for 60 refusals`);
    assert.ok(flood.length >= 1);
  });
});
