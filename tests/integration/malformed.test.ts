// Hostile and broken clients: every known event with garbage answers
// invalid_payload, unknown events answer invalid_payload, events without an ack
// callback are dropped quietly, oversize frames cost the sender its connection,
// and through all of it the server keeps serving real calls.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { CLIENT_EVENTS, LIMITS, type ClientEventName } from "../../server/protocol/events";
import {
  emitAck,
  emitRaw,
  emitRawAck,
  establish,
  expectError,
  expectOk,
  flush,
  hangup,
  startHarness,
  waitFor,
  type ClientSocket,
  type Harness,
  type TestUser,
} from "./harness";

/** A valid payload per event, to derive near-valid garbage from. */
const VALID: Record<ClientEventName, Record<string, unknown>> = {
  "session:sync": {},
  "call:invite": { calleeId: "someone", kind: "video" },
  "call:accept": { callId: "somecall" },
  "call:decline": { callId: "somecall" },
  "call:cancel": { callId: "somecall" },
  "call:hangup": { callId: "somecall" },
  "call:rejoin": { callId: "somecall" },
  "call:renew-ice": { callId: "somecall" },
  "signal:description": { callId: "somecall", description: { type: "offer", sdp: "v=0" } },
  "call:offer": { callId: "somecall", description: { type: "offer", sdp: "v=0" } },
  "signal:candidate": { callId: "somecall", candidate: null },
  "call:media-state": { callId: "somecall", audio: true, video: false },
  "call:screen-share": { callId: "somecall", mid: "1" },
  "presence:list": {},
};

const HUGE = "x".repeat(50_000); // under the 64 kB frame limit, over every field limit

function garbage(event: ClientEventName): [string, unknown[]][] {
  const valid = VALID[event];
  const cases: [string, unknown[]][] = [
    ["null", [null]],
    ["a number", [42]],
    ["a string", ["call me"]],
    ["a boolean", [true]],
    ["an array", [[]]],
    ["the payload wrapped in an array", [[valid]]],
    ["an extra field", [{ ...valid, extra: 1 }]],
    ["a huge string", [HUGE]],
    ["a huge field", [{ ...valid, [Object.keys(valid)[0] ?? "callId"]: HUGE }]],
    ["a __proto__ key", [JSON.parse(`{"__proto__":{"polluted":"yes"},${JSON.stringify(valid).slice(1)}`.replace(",}", "}"))]],
    ["no payload at all", []],
    ["two payloads", [valid, valid]],
  ];
  if (Object.keys(valid).length > 0) cases.push(["an empty object", [{}]]);
  if (event === "signal:description") {
    cases.push(["an oversize SDP", [{ callId: "somecall", description: { type: "offer", sdp: "s".repeat(LIMITS.sdp + 1) } }]]);
  }
  if (event === "signal:candidate") {
    cases.push(["an oversize candidate", [{ callId: "somecall", candidate: { candidate: "c".repeat(LIMITS.candidate + 1) } }]]);
  }
  return cases;
}

describe("malformed input", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser;
  const errors: unknown[][] = [];
  const realConsoleError = console.error;

  before(async () => {
    h = await startHarness({ ringTimeoutMs: 5000 });
    [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
  });
  after(() => h.close());
  // The server logs only unexpected (non-DialtoneError) failures: there must be none.
  beforeEach(() => {
    errors.length = 0;
    console.error = (...args: unknown[]) => errors.push(args);
  });
  afterEach(() => {
    console.error = realConsoleError;
    assert.deepEqual(errors, [], "the server logged an unexpected error");
  });

  for (const event of CLIENT_EVENTS) {
    test(`${event}: every garbage payload → invalid_payload`, async () => {
      // A fresh socket per event keeps this under the per-socket message limit.
      const s = await h.connect(alice);
      for (const [what, args] of garbage(event)) {
        expectError(await emitRawAck(s, event, ...args), "invalid_payload", `${event} with ${what}`);
      }
      assert.equal(s.connected, true);
      s.disconnect();
    });
  }

  test("nothing polluted Object.prototype", () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
  });

  test("unknown events with an ack → invalid_payload (including Object.prototype names)", async () => {
    const s = await h.connect(alice);
    for (const name of ["call:teleport", "signal:broadcast", "admin:drop-tables", "CALL:INVITE", "call:invite ", "x".repeat(300)]) {
      expectError(await emitRawAck(s, name, { callId: "x" }), "invalid_payload", name);
    }
    // Names every object inherits must not pass for known events.
    for (const name of ["toString", "constructor", "hasOwnProperty", "valueOf", "__proto__", "__defineGetter__", "isPrototypeOf"]) {
      expectError(await emitRawAck(s, name, {}), "invalid_payload", name);
    }
    expectError(await emitRawAck(s, "call:teleport"), "invalid_payload", "no payload");
  });

  test("events without an ack callback (garbage or valid) are dropped without crashing or disconnecting", async () => {
    const s = await h.connect(alice);
    for (const event of CLIENT_EVENTS) {
      for (const [, args] of garbage(event).slice(0, 6)) emitRaw(s, event, ...args);
      emitRaw(s, event, VALID[event]);
    }
    for (const name of ["call:teleport", "toString", "constructor"]) emitRaw(s, name, { x: 1 });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.connected, true);
    s.disconnect();
    // The message budget is per user across their sockets and per second: this burst
    // (≈ 7 per event) may have used this second's; the next one starts afresh.
    await new Promise((r) => setTimeout(r, 1_100));
    const s2 = await h.connect(alice);
    await flush(s2);
    s2.disconnect();
  });

  test("a frame over maxHttpBufferSize closes that connection only", async () => {
    const s = await h.connect(alice);
    const bystander = await h.connect(bob);
    const gone = new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));
    emitRaw(s, "signal:description", { callId: "somecall", description: { type: "offer", sdp: "s".repeat(LIMITS.frame + 1000) } });
    assert.equal(await gone, "transport close");
    await flush(bystander);
    assert.equal(bystander.connected, true);
  });

  test("after all of it, the server still serves a real call", async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const got = waitFor(b, "signal:description");
    expectOk(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: "v=0\r\n" } }));
    assert.equal((await got).description.sdp, "v=0\r\n");
    const ended = waitFor(b, "call:ended");
    await hangup(a, call.id);
    assert.equal((await ended).call.outcome, "completed");
  });

  test("the message limit is per user: past it every socket of that user is answered rate_limited, other users are not", async () => {
    const noisy: ClientSocket = await h.connect(alice);
    const quiet = await h.connect(alice);
    const other = await h.connect(bob);
    const acks = await Promise.all(Array.from({ length: 120 }, () => emitAck(noisy, "session:sync", {})));
    const limited = acks.filter((r) => !r.ok && r.code === "rate_limited").length;
    assert.ok(limited >= 20, `expected at least 20 of 120 to be limited, got ${limited}`);
    // Same second, same user, another socket: over budget too (unless the second just turned).
    const fromQuiet = await emitAck(quiet, "session:sync", {});
    if (!fromQuiet.ok) expectError(fromQuiet, "rate_limited");
    expectOk(await emitAck(other, "session:sync", {}));
  });
});
