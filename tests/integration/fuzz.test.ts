// Fuzzing the signaling server from an authenticated attacker while a real call
// runs beside it. fast-check generates the payloads: every protocol event and
// unknown names (including Object.prototype names), near-valid payloads with
// fields of the wrong type, missing or extra, huge strings (up to the frame
// limit), big arrays, deep nesting, `__proto__`/`constructor`/`prototype`
// keys, lone surrogates (invalid UTF-16), binary Buffers/typed arrays, zero or
// several payloads, and the real call's and users' ids in id fields. Apart from
// those, protocol-level garbage that must cost the attacker its connection:
// frames over maxHttpBufferSize, broken Socket.IO packets, reserved event
// names, stray binary frames, invalid UTF-8 (the attacker then reconnects).
//
// Three runs, each on its own server:
//   1. the real limit (100 messages/s per socket): most payloads are refused
//      with rate_limited before validation (that is the limit working);
//   2. limit lifted, the attacker a contact of neither participant;
//   3. limit lifted, the attacker a contact of the caller.
// Runs 2 and 3 put DIALTONE_FUZZ_COUNT payloads (default 100,000) through the
// schemas and handlers. Most are sent without an ack callback, in bursts, with
// every 16th one acked (tallied by code) and an acked barrier after each burst.
//
// Asserted: the server never crashes or logs an unexpected error, no ack is
// `internal` or malformed, the participants receive no call:* or signal:*
// event that is not their own (only the candidates they send each other during
// the run), the call is still active and works afterwards (offer/answer, presence,
// session:sync, hang-up), and memory stays flat: the test process (server and
// clients share it) after a forced GC grows less than MEMORY_BOUND_MB.
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import fc from "fast-check";
import type { Socket } from "socket.io-client";
import { ERROR_CODES } from "../../server/protocol/errors";
import { CLIENT_EVENTS, LIMITS, type Payload } from "../../server/protocol/events";
import { createLimits, MessageLimit, type Limits } from "../../server/rate-limits";
import {
  emitAck,
  establish,
  expectOk,
  flush,
  received,
  startHarness,
  waitFor,
  type ClientSocket,
  type Harness,
  type ServerEventName,
  type TestUser,
} from "./harness";

const int = (name: string, fallback: number) => {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
};
/** Payloads that reach the schemas (limit lifted), split over runs 2 and 3. */
const COUNT = int("DIALTONE_FUZZ_COUNT", 100_000);
/** Payloads sent under the real per-socket limit (run 1), all acked. */
const LIMITED_COUNT = int("DIALTONE_FUZZ_LIMITED_COUNT", 2_000);
const SEED = process.env.DIALTONE_FUZZ_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : int("DIALTONE_FUZZ_SEED", 20_240_601);
const BURST = 1_000;
const ACK_EVERY = 16;
/** Protocol-level garbage (each closes the attacker's connection) per run. */
const KILLERS = 24;
/** Keep bulk payloads under the frame limit (a frame over it is a "killer"). */
const BULK_MAX_BYTES = LIMITS.frame - 2_000;
const MEMORY_BOUND_MB = 40;

// A forced GC without --expose-gc on the command line (node --test spawns this file).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);
const CALL_AND_SIGNAL: ServerEventName[] = [
  "call:incoming",
  "call:accepted",
  "call:answered-elsewhere",
  "call:ended",
  "call:peer-connection",
  "call:media-state",
  "call:screen-share",
  "call:offer",
  "signal:description",
  "signal:candidate",
];

type Ids = { callId: string; userIds: string[] };
/** An event emitted through socket.io-client, or a raw Socket.IO packet written to the connection. */
type Generated = { event: string; args: unknown[] } | { raw: string; what: string };

/** The generators; ids of the real call and users are mixed into id fields. */
function arbitraries(ids: Ids) {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const nastyUnit = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: loneSurrogate },
    { weight: 1, arbitrary: fc.constantFrom("\u0000", "\u202e", "\ufeff", "<", "'", '"', "\\", "%00", "\r\n", "𝕏") },
  );
  const nastyString = fc.string({ unit: nastyUnit, maxLength: 200 });
  // Up to ~58 kB: as much as still fits in one frame (bigger ones are killers).
  const hugeString = fc
    .tuple(fc.integer({ min: 1_000, max: 58_000 }), fc.constantFrom("x", "é", "\u0000", "a1"))
    .map(([n, c]) => c.repeat(Math.floor(n / Buffer.byteLength(JSON.stringify(c)))));
  const id = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(ids.callId, ...ids.userIds) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "a".repeat(65), "../../etc/passwd", "call:x", `${ids.callId} `, ids.callId.toUpperCase()) },
    { weight: 1, arbitrary: nastyString },
  );
  const key = fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "toJSON", "then", "callId", "calleeId", "kind", "sdp", "type", "candidate", "description", "fresh"),
    },
    { weight: 1, arbitrary: nastyString },
  );
  const anything = fc.anything({
    maxDepth: 3,
    maxKeys: 6,
    key,
    withBigInt: false, // not serialisable: socket.io-client would throw before sending
    withNullPrototype: true,
    withObjectString: true,
    withBoxedValues: true,
    withTypedArray: true,
    withSparseArray: true,
    withDate: false, // an invalid Date cannot be encoded: socket.io-client throws before sending
    withMap: true,
    withSet: true,
  });
  const bigArray = fc.tuple(fc.integer({ min: 100, max: 12_000 }), fc.constantFrom(0, null, "", true, {}, [])).map(([n, v]) => Array.from({ length: n }, () => v));
  // Deeper nesting (up to 30,000 levels) goes as raw frames below: a JSON encoder
  // recursing that deep overflows the client's own stack first.
  const deep = fc.tuple(fc.integer({ min: 50, max: 1_500 }), fc.boolean()).map(([depth, asObject]) => {
    let v: unknown = asObject ? { callId: ids.callId } : [ids.callId];
    for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
    return v;
  });
  const binary = fc.oneof(
    fc.uint8Array({ maxLength: 4_096 }).map((u) => Buffer.from(u)),
    fc.uint8Array({ maxLength: 1_024 }).map((u) => u.buffer),
    fc.float64Array({ maxLength: 64 }),
  );
  /** Own `__proto__`/`constructor`/`prototype` keys, as JSON.parse makes them (a prototype-pollution attempt). */
  const pollution = fc
    .tuple(fc.constantFrom("__proto__", "constructor", "prototype"), fc.constantFrom(`{"polluted":"yes"}`, `{"prototype":{"polluted":"yes"}}`, `"x"`, `null`))
    .map(([k, v]) => JSON.parse(`{"${k}":${v},"callId":"${ids.callId}"}`) as unknown);
  const weird: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: anything },
    { weight: 3, arbitrary: nastyString },
    { weight: 3, arbitrary: id },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: bigArray },
    { weight: 1, arbitrary: deep },
    { weight: 2, arbitrary: binary },
    { weight: 2, arbitrary: pollution },
  );

  /** Each field valid or weird or missing, plus extra keys (set as own properties, `__proto__` included). */
  const mutated = (shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
    fc
      .tuple(
        fc.record(
          Object.fromEntries(Object.entries(shape).map(([k, valid]) => [k, fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: weird })])),
          { requiredKeys: [] },
        ),
        fc.array(fc.tuple(key, weird), { maxLength: 2 }),
      )
      .map(([base, extra]) => {
        const o: Record<string, unknown> = { ...base };
        for (const [k, v] of extra) Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
        return o;
      });

  const sdp = fc.oneof(fc.constant("v=0\r\no=- 1 2 IN IP4 6.6.6.6\r\ns=-\r\n"), nastyString, hugeString);
  const candidate = fc.oneof(
    fc.constant(null),
    mutated({
      candidate: fc.oneof(fc.constant("candidate:1 1 udp 1 6.6.6.6 9 typ host"), nastyString),
      sdpMid: fc.oneof(fc.constant("0"), fc.constant(null), nastyString),
      sdpMLineIndex: fc.oneof(fc.integer({ min: -5, max: 70 }), fc.double(), fc.constant(null)),
      usernameFragment: fc.oneof(fc.constant(null), nastyString),
    }),
  );
  const shapes: Record<(typeof CLIENT_EVENTS)[number], fc.Arbitrary<Record<string, unknown>>> = {
    "session:sync": mutated({}),
    "call:invite": mutated({ calleeId: id, kind: fc.constantFrom("video", "audio", "VIDEO", "screen") }),
    "call:accept": mutated({ callId: id, answer: fc.option(mutated({ type: fc.constantFrom("answer", "offer"), sdp }), { nil: undefined }) }),
    "call:decline": mutated({ callId: id }),
    "call:cancel": mutated({ callId: id }),
    "call:hangup": mutated({ callId: id }),
    "call:rejoin": mutated({ callId: id, fresh: fc.boolean() }),
    "call:renew-ice": mutated({ callId: id }),
    "signal:description": mutated({ callId: id, description: mutated({ type: fc.constantFrom("offer", "answer", "pranswer", "rollback"), sdp }) }),
    "call:offer": mutated({ callId: id, description: mutated({ type: fc.constantFrom("offer", "answer"), sdp: fc.oneof(sdp, fc.constant("v=0\r\na=candidate:1 1 udp 1 6.6.6.6 9 typ host\r\n")) }) }),
    "signal:candidate": mutated({ callId: id, candidate }),
    "call:media-state": mutated({ callId: id, audio: fc.boolean(), video: fc.boolean() }),
    "call:screen-share": mutated({ callId: id, mid: fc.oneof(fc.constant(null), fc.constantFrom("0", "1", "2", "mid-9"), nastyString) }),
    "presence:list": mutated({}),
  };
  const known = fc.constantFrom(...CLIENT_EVENTS).chain((event) =>
    fc
      .oneof(
        { weight: 12, arbitrary: shapes[event].map((p) => [p]) },
        { weight: 3, arbitrary: weird.map((v) => [v]) },
        { weight: 1, arbitrary: fc.array(fc.oneof(shapes[event], weird), { maxLength: 3 }) }, // none, or several payloads
      )
      .map((args): Generated => ({ event, args })),
  );
  const unknownName = fc
    .oneof(
      fc.string({ maxLength: 40 }),
      nastyString,
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "call:teleport", "CALL:INVITE", "call:invite ", "signal:*", "admin:drop", ""),
    )
    .filter((n) => !RESERVED.has(n));
  const unknown = fc.tuple(unknownName, fc.array(weird, { maxLength: 2 })).map(([event, args]): Generated => ({ event, args }));
  // Raw packets the server must survive without closing the connection.
  const rawFrames = fc.oneof(
    fc
      .tuple(fc.constantFrom(...CLIENT_EVENTS, "nope"), fc.integer({ min: 2_000, max: 30_000 }), fc.constantFrom("[]", "{}"))
      .map(([event, depth, br]): Generated => {
        const open = br === "[]" ? "[".repeat(depth) : '{"a":'.repeat(depth);
        const close = br === "[]" ? "]".repeat(depth) : "}".repeat(depth);
        return { raw: `2/signaling,${JSON.stringify([event]).slice(0, -1)},${open}${br === "[]" ? "" : "1"}${close}]`, what: `nesting ${depth} deep` };
      }),
    fc.tuple(fc.nat(), fc.constantFrom(...CLIENT_EVENTS)).map(([ackId, e]): Generated => ({ raw: `3/signaling,${ackId}["${e}"]`, what: "an ack for nothing" })),
    fc.tuple(fc.nat(), fc.constantFrom(...CLIENT_EVENTS)).map(([ackId, e]): Generated => ({ raw: `2/signaling,${ackId}["${e}",{"callId":"${ids.callId}"},{"callId":"${ids.callId}"}]`, what: "an event with an ack id and two payloads" })),
    fc.constantFrom<Generated>({ raw: "0/nope,", what: "a connect to an unknown namespace" }, { raw: "0", what: "a connect to the default namespace" }),
  );
  return {
    payload: fc.oneof({ weight: 90, arbitrary: known }, { weight: 10, arbitrary: unknown }, { weight: 1, arbitrary: rawFrames }),
  };
}

/**
 * At least the bytes the frame would take (cheap: no replacer). Buffers and
 * typed arrays count as their JSON form, larger than their binary attachment,
 * so this never under-estimates by more than an ArrayBuffer (≤ 1 kB here).
 */
function frameBytes(g: Generated): number {
  if ("raw" in g) return Buffer.byteLength(g.raw);
  let text: string | undefined;
  try {
    text = JSON.stringify([g.event, ...g.args]);
  } catch {
    return Infinity; // too deep for this estimate: not sent
  }
  if (!text) return 0;
  return text.length * 3 < BULK_MAX_BYTES ? text.length : Buffer.byteLength(text);
}

type Tally = Record<string, number>;
const bump = (t: Tally, k: string) => (t[k] = (t[k] ?? 0) + 1);

/** Frames that must close the sender's connection, and only that one. */
function killers(callId: string): { what: string; send: (s: ClientSocket) => void }[] {
  const raw = (s: ClientSocket) => s as unknown as Socket;
  const engine = (s: ClientSocket) => raw(s).io.engine as unknown as { write: (d: unknown) => void; transport: { ws: { send: (d: unknown, o: object) => void } } };
  return [
    { what: "a frame over maxHttpBufferSize (65 kB)", send: (s) => raw(s).emit("signal:description", { callId, description: { type: "offer", sdp: "s".repeat(LIMITS.frame + 1_000) } }) },
    { what: "a frame over maxHttpBufferSize (~100 kB)", send: (s) => raw(s).emit("call:invite", { calleeId: "x".repeat(100_000), kind: "video" }) },
    { what: "a binary attachment over the limit", send: (s) => raw(s).emit("signal:candidate", Buffer.alloc(LIMITS.frame + 10)) },
    { what: "a broken Socket.IO packet (bad JSON)", send: (s) => engine(s).write(`2/signaling,["call:hangup",{"callId":`) },
    { what: "a reserved event name", send: (s) => engine(s).write(`2/signaling,["disconnecting",{}]`) },
    { what: "an unknown packet type", send: (s) => engine(s).write(`9/signaling,["x"]`) },
    { what: "a stray binary frame", send: (s) => engine(s).write(Buffer.from([1, 2, 3, 4])) },
    { what: "invalid UTF-8 in a text frame", send: (s) => engine(s).transport.ws.send(Buffer.from([0x34, 0x32, 0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), { binary: false }) },
  ];
}

async function measureHeap(): Promise<{ heapMB: number; rssMB: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 };
}

/** A server with a real call between Alice and Bob, and the attackers. */
async function arena(limits: Limits) {
  const h = await startHarness({ ringTimeoutMs: 60_000, graceMs: 60_000, limits });
  const [alice, bob, mallory, carol] = await Promise.all([h.createUser("Alice"), h.createUser("Bob"), h.createUser("Mallory"), h.createUser("Carol")]);
  await h.makeContacts(alice, bob);
  await h.makeContacts(carol, alice); // Carol: a contact of the caller, not in the call
  const a = await h.connect(alice);
  const b = await h.connect(bob);
  const call = await establish(a, b, bob.id);
  return { h, alice, bob, mallory, carol, a, b, call };
}
type Arena = Awaited<ReturnType<typeof arena>>;

const foreignEvents = (s: ClientSocket) => CALL_AND_SIGNAL.reduce((n, e) => n + received(s, e).length, 0);

/** After the attack: the call still stands and still works. */
async function assertCallUnaffected(x: Arena, before: { a: number; b: number }, legit: number) {
  const { h, a, b, call, bob } = x;
  await Promise.all([flush(a), flush(b)]);
  // The only call/signal events the participants got during the run: the candidates they sent each other.
  assert.equal(foreignEvents(a), before.a, "Alice received a call/signal event during the attack");
  assert.equal(foreignEvents(b), before.b + legit, "Bob received a call/signal event that Alice did not send");
  assert.ok(received(b, "signal:candidate").every((p) => p.callId === call.id && p.candidate?.candidate === "candidate:legit"));
  const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
  assert.equal(row.status, "active", "the real call is still active");
  assert.equal(a.connected && b.connected, true, "the participants are still connected");
  // Offer and answer still flow, both ways.
  const offer: Payload<"signal:description"> = { callId: call.id, description: { type: "offer", sdp: "v=0\r\ns=after-fuzz\r\n" } };
  const gotOffer = waitFor(b, "signal:description");
  expectOk(await emitAck(a, "signal:description", offer));
  assert.deepEqual(await gotOffer, offer);
  const answer: Payload<"signal:description"> = { callId: call.id, description: { type: "answer", sdp: "v=0\r\ns=answer\r\n" } };
  const gotAnswer = waitFor(a, "signal:description");
  expectOk(await emitAck(b, "signal:description", answer));
  assert.deepEqual(await gotAnswer, answer);
  // Presence and session state still answer, and say the right thing.
  assert.equal(expectOk(await emitAck(a, "presence:list", {})).presence[bob.id], "in-call");
  assert.equal(expectOk(await emitAck(b, "session:sync", {})).active?.id, call.id);
  // No busy/ghost call was left ringing by the attacker, and the call ends normally.
  assert.equal(await h.db.call.count({ where: { status: "ringing" } }), 0);
  const ended = waitFor(b, "call:ended");
  expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  assert.equal((await ended).call.outcome, "completed");
}

/**
 * Sends `count` generated payloads from `attacker`, in bursts, while Alice
 * keeps sending Bob candidates; kills and reconnects the attacker with
 * protocol-level garbage between bursts. Returns what happened.
 */
async function attack(x: Arena, attacker: TestUser, count: number, seed: number, opts: { ackAll: boolean }) {
  const { h, a, b, call } = x;
  const gen = arbitraries({ callId: call.id, userIds: [x.alice.id, x.bob.id, x.mallory.id, x.carol.id] });
  let s = await h.connect(attacker);
  const acks: Tally = {};
  const client: Tally = {};
  let sent = 0;
  let legit = 0;
  let killed = 0;
  const bursts = Math.ceil(count / BURST);
  const killEvery = Math.max(1, Math.floor(bursts / KILLERS));
  const frames = killers(call.id);
  const pending: Promise<void>[] = [];
  const ackOf = (p: Promise<unknown>) =>
    p.then(
      (res) => {
        const r = res as { ok?: unknown; code?: unknown; message?: unknown };
        if (r?.ok === true) return void bump(acks, "ok");
        const wellFormed = r?.ok === false && typeof r.code === "string" && Object.hasOwn(ERROR_CODES, r.code) && typeof r.message === "string";
        bump(acks, wellFormed ? (r.code as string) : `malformed ack ${JSON.stringify(res)?.slice(0, 80)}`);
      },
      (err: unknown) => {
        // socket.io-client rejects with "operation has timed out" when no ack came; anything else failed before sending.
        if (err instanceof Error && /timed out/.test(err.message)) bump(acks, "no answer");
        else bump(client, `client could not send: ${String(err).slice(0, 60)}`);
      },
    );

  for (let burst = 0; sent < count; burst++) {
    const batch = fc.sample(gen.payload, { numRuns: BURST, seed: seed + burst });
    for (const g of batch) {
      if (sent >= count) break;
      if (frameBytes(g) > BULK_MAX_BYTES) {
        bump(client, "skipped: over one frame");
        continue;
      }
      const raw = s as unknown as Socket;
      try {
        if ("raw" in g) {
          (raw.io.engine as unknown as { write: (d: string) => void }).write(g.raw);
          bump(client, `raw: ${g.what.replace(/\d+/, "N")}`);
        } else if (opts.ackAll || sent % ACK_EVERY === 0) pending.push(ackOf(raw.timeout(20_000).emitWithAck(g.event, ...g.args)));
        else raw.emit(g.event, ...g.args);
        sent++;
      } catch (err) {
        bump(client, `client could not send: ${String(err).slice(0, 60)}`);
      }
    }
    // The real call keeps talking while it happens.
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: { candidate: "candidate:legit", sdpMid: "0", sdpMLineIndex: 0 } }));
    legit++;
    // Barrier: the server has read everything this attacker sent so far.
    await (s as unknown as Socket).timeout(30_000).emitWithAck("fuzz:barrier");
    await Promise.all(pending.splice(0));

    if ((burst + 1) % killEvery === 0 && killed < KILLERS) await kill();
  }
  await Promise.all(pending);
  while (killed < frames.length) await kill(); // every kind at least once, however small the run

  async function kill() {
    const k = frames[killed % frames.length]!;
    const gone = new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));
    k.send(s);
    const reason = await Promise.race([gone, new Promise<string>((r) => setTimeout(() => r("still connected"), 5_000))]);
    assert.notEqual(reason, "still connected", `${k.what} did not close the attacker's connection`);
    bump(client, `killed by ${k.what}`);
    killed++;
    await Promise.all([flush(a), flush(b)]);
    assert.ok(a.connected && b.connected, `${k.what} closed a bystander's connection`);
    s = await h.connect(attacker); // the attacker comes back
  }
  s.disconnect();
  return { sent, acks, client, legit, killed };
}

describe("fuzz: a hostile client beside a real call", () => {
  const errors: unknown[][] = [];
  const realConsoleError = console.error;
  let reached = 0;
  let seconds = 0;

  before(() => {
    console.log(`[fuzz] seed ${SEED} (DIALTONE_FUZZ_SEED to replay, =random to explore), count ${COUNT}`);
  });
  beforeEach(() => {
    errors.length = 0;
    console.error = (...args: unknown[]) => errors.push(args);
  });
  afterEach(() => {
    console.error = realConsoleError;
    assert.deepEqual(errors.slice(0, 3), [], "the server logged an unexpected error");
  });

  test(`under the real per-socket limit: ${LIMITED_COUNT} acked payloads, most refused as rate_limited`, async () => {
    const x = await arena(createLimits());
    try {
      assert.equal(x.h.signaling.io.engine.opts.maxHttpBufferSize, LIMITS.frame, "maxHttpBufferSize is LIMITS.frame");
      const before = { a: foreignEvents(x.a), b: foreignEvents(x.b) };
      const t0 = performance.now();
      const r = await attack(x, x.mallory, LIMITED_COUNT, SEED, { ackAll: true });
      const secs = (performance.now() - t0) / 1000;
      console.log(`[fuzz] real limit: ${r.sent} payloads in ${secs.toFixed(1)} s, acks ${JSON.stringify(r.acks)}, ${r.killed} connections killed`);
      assert.equal(r.acks.internal ?? 0, 0, "an internal error");
      assert.equal(r.acks["no answer"] ?? 0, 0, "an acked payload was never answered");
      assert.ok(!Object.keys(r.acks).some((k) => k.startsWith("malformed")), JSON.stringify(r.acks));
      // 100 per second per socket (each reconnect is a new socket with a fresh budget; barriers count too).
      const allowed = 100 * (Math.ceil(secs) + 1) * (r.killed + 1);
      assert.ok((r.acks.rate_limited ?? 0) >= Math.min(r.sent - allowed, r.sent / 2), `the limit refused only ${r.acks.rate_limited} of ${r.sent} in ${secs.toFixed(1)} s`);
      await assertCallUnaffected(x, before, r.legit);
    } finally {
      await x.h.close();
    }
  });

  // Runs 2 and 3: the per-socket limit lifted so that every payload reaches the schemas.
  const lifted = (): Limits => ({
    ...createLimits(),
    userMessages: new MessageLimit(10_000_000),
  });

  for (const [run, who] of [
    [2, "mallory"],
    [3, "carol"],
  ] as const) {
    const count = run === 2 ? Math.ceil(COUNT / 2) : Math.floor(COUNT / 2);
    const role = who === "mallory" ? "a contact of neither participant" : "a contact of the caller";
    test(`limit lifted, attacker ${role}: ${count} payloads reach the schemas; nothing relayed, the call unaffected`, async () => {
      const x = await arena(lifted());
      try {
        // Warm up (JIT, pools, limiter maps) before the memory baseline.
        await attack(x, x[who], 2_000, SEED + 7_777_777 * run, { ackAll: false });
        const before = { a: foreignEvents(x.a), b: foreignEvents(x.b) };
        const baseline = await measureHeap();
        const t0 = performance.now();
        const r = await attack(x, x[who], count, SEED + 1_000_000 * run, { ackAll: false });
        const secs = (performance.now() - t0) / 1000;
        reached += r.sent;
        seconds += secs;
        console.log(
          `[fuzz] run ${run} (${role}): ${r.sent} payloads in ${secs.toFixed(1)} s (${Math.round(r.sent / secs)}/s); acks of 1 in ${ACK_EVERY}: ${JSON.stringify(r.acks)}; client: ${JSON.stringify(r.client)}`,
        );
        assert.equal(r.sent, count);
        assert.equal(r.acks.internal ?? 0, 0, "an internal error");
        assert.equal(r.acks["no answer"] ?? 0, 0, "an acked payload was never answered");
        assert.ok(!Object.keys(r.acks).some((k) => k.startsWith("malformed")), JSON.stringify(r.acks));
        assert.ok(!Object.keys(r.client).some((k) => k.startsWith("client could not send")), JSON.stringify(r.client));
        assert.ok(r.killed >= killers(x.call.id).length, `only ${r.killed} protocol-level kills`);
        // Memory: same server, same sockets, before and after the attack, each after a forced GC.
        const afterAttack = await measureHeap();
        const grew = afterAttack.heapMB - baseline.heapMB;
        console.log(
          `[fuzz] run ${run} memory after forced GC: heapUsed ${baseline.heapMB.toFixed(1)} → ${afterAttack.heapMB.toFixed(1)} MB (${grew >= 0 ? "+" : ""}${grew.toFixed(1)}), rss ${baseline.rssMB.toFixed(0)} → ${afterAttack.rssMB.toFixed(0)} MB`,
        );
        assert.ok(grew < MEMORY_BOUND_MB, `heap grew ${grew.toFixed(1)} MB`);
        await assertCallUnaffected(x, before, r.legit);
        assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
      } finally {
        await x.h.close();
      }
      if (run === 3) {
        console.log(`[metric] fuzz: ${reached} payloads in ${seconds.toFixed(1)} s (${Math.round(reached / seconds)}/s, limit lifted; plus ${LIMITED_COUNT} under the real limit)`);
        assert.ok(reached >= COUNT, `only ${reached} of ${COUNT} payloads sent`);
      }
    });
  }
});
