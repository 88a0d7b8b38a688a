// The authorisation matrix: every client→server event of the protocol (the
// keys of `schemas`, so a new event cannot be forgotten: it has no row here and
// the test fails) × every kind of sender → the one right answer.
//
// The call under attack is Alice (caller) → Bob (callee), set up afresh for
// every cell in the state the event needs (ringing for accept/decline/cancel,
// active for hang-up/rejoin/relay). Senders:
//   anonymous   no session: the handshake is refused, so no event ever arrives
//   stranger    signed in, a contact of neither
//   blocked     a contact of Alice whom Bob has blocked
//   blocker     a contact of Alice who has blocked Bob
//   contact     a contact of both, not in their call
//   ended       the right participant, but the call has ended
//   participant the participant the event is meant for (legit)
// A refused cell must also leave no trace: nothing reaches Alice's or Bob's
// sockets (no call:* and no signal:* event), the call row is unchanged and no
// call row is created.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { encode } from "next-auth/jwt";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { io, type Socket } from "socket.io-client";
import type { ErrorCode } from "../../server/protocol/errors";
import { CLIENT_EVENTS, schemas, type ClientEventName, type IceServer, type Payload } from "../../server/protocol/events";
import { createLimits, MessageLimit } from "../../server/rate-limits";
import {
  emitRawAck,
  establish,
  expectError,
  expectOk,
  flush,
  hangup,
  received,
  ring,
  startHarness,
  until,
  type ClientSocket,
  type Harness,
  type TestUser,
} from "./harness";

const ACTORS = ["anonymous", "stranger", "blocked", "blocker", "contact", "ended", "participant"] as const;
type Actor = (typeof ACTORS)[number];
/** "handshake": the connection is refused with connect_error "unauthorized". */
type Expect = "ok" | "handshake" | ErrorCode;
type Fixture = "none" | "ringing" | "active" | "ended";

const NOT_A_PARTICIPANT = { anonymous: "handshake", stranger: "not_found", blocked: "not_found", blocker: "not_found", contact: "not_found" } as const;
const RELAY_ROW = { anonymous: "handshake", stranger: "not_in_call", blocked: "not_in_call", blocker: "not_in_call", contact: "not_in_call", ended: "not_in_call", participant: "ok" } as const;
const EVERYONE_SIGNED_IN = { anonymous: "handshake", stranger: "ok", blocked: "ok", blocker: "ok", contact: "ok", ended: "ok", participant: "ok" } as const;

/** The expectation table: one row per protocol event, one cell per actor. */
const EXPECT: Record<ClientEventName, Record<Actor, Expect>> = {
  "session:sync": EVERYONE_SIGNED_IN,
  "call:invite": { anonymous: "handshake", stranger: "not_contact", blocked: "not_contact", blocker: "not_contact", contact: "ok", ended: "ok", participant: "ok" },
  "call:accept": { ...NOT_A_PARTICIPANT, ended: "invalid_state", participant: "ok" },
  "call:decline": { ...NOT_A_PARTICIPANT, ended: "invalid_state", participant: "ok" },
  "call:cancel": { ...NOT_A_PARTICIPANT, ended: "invalid_state", participant: "ok" },
  "call:hangup": { ...NOT_A_PARTICIPANT, ended: "invalid_state", participant: "ok" },
  "call:rejoin": { ...NOT_A_PARTICIPANT, ended: "invalid_state", participant: "ok" },
  "call:renew-ice": RELAY_ROW,
  "signal:description": RELAY_ROW,
  "call:offer": RELAY_ROW,
  "signal:candidate": RELAY_ROW,
  "call:media-state": RELAY_ROW,
  "call:screen-share": RELAY_ROW,
  "presence:list": EVERYONE_SIGNED_IN,
};

/** The state of Alice → Bob's call each event is tried against (the "ended" actor always gets an ended call). */
const FIXTURE: Record<ClientEventName, Fixture> = {
  "session:sync": "ringing",
  "call:invite": "none",
  "call:accept": "ringing",
  "call:decline": "ringing",
  "call:cancel": "ringing",
  "call:hangup": "active",
  "call:rejoin": "active",
  "call:renew-ice": "active",
  "signal:description": "active",
  "call:offer": "ringing",
  "signal:candidate": "active",
  "call:media-state": "active",
  "call:screen-share": "active",
  "presence:list": "active",
};

/** Which participant's socket the event is meant for ("participant" and "ended" actors send from it). */
const RIGHTFUL: Record<ClientEventName, "alice" | "bob"> = {
  "session:sync": "bob",
  "call:invite": "alice",
  "call:accept": "bob",
  "call:decline": "bob",
  "call:cancel": "alice",
  "call:hangup": "alice",
  "call:rejoin": "bob",
  "call:renew-ice": "bob",
  "signal:description": "bob",
  "call:offer": "alice",
  "signal:candidate": "bob",
  "call:media-state": "bob",
  "call:screen-share": "bob",
  "presence:list": "alice",
};

const SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=matrix\r\nt=0 0\r\n";
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

/** A schema-valid payload per event, aimed at the call under attack (or at Bob). */
const PAYLOAD: { [E in ClientEventName]: (t: { callId: string; bobId: string }) => Payload<E> } = {
  "session:sync": () => ({}),
  "call:invite": (t) => ({ calleeId: t.bobId, kind: "video" }),
  "call:accept": (t) => ({ callId: t.callId }),
  "call:decline": (t) => ({ callId: t.callId }),
  "call:cancel": (t) => ({ callId: t.callId }),
  "call:hangup": (t) => ({ callId: t.callId }),
  "call:rejoin": (t) => ({ callId: t.callId }),
  "call:renew-ice": (t) => ({ callId: t.callId }),
  "signal:description": (t) => ({ callId: t.callId, description: { type: "offer", sdp: SDP } }),
  "call:offer": (t) => ({ callId: t.callId, description: { type: "offer", sdp: SDP } }),
  "signal:candidate": (t) => ({ callId: t.callId, candidate: CANDIDATE }),
  "call:media-state": (t) => ({ callId: t.callId, audio: false, video: true }),
  "call:screen-share": (t) => ({ callId: t.callId, mid: "2" }),
  "presence:list": () => ({}),
};

const ICE: IceServer[] = [{ urls: ["stun:127.0.0.1:3478"] }];

describe("authorisation matrix: every event × every kind of sender", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser, stranger: TestUser, blocked: TestUser, blocker: TestUser, carol: TestUser;
  let a: ClientSocket, b: ClientSocket;
  const sockets = new Map<Actor, ClientSocket>();
  let cells = 0;
  const errors: unknown[][] = [];
  const realConsoleError = console.error;

  before(async () => {
    // Each cell rings and relays in quick succession from the same two sockets:
    // the per-socket and per-user rate limits are not the question here.
    const limits = {
      ...createLimits(),
      ring: new RateLimiterMemory({ keyPrefix: "ring-matrix", points: 100_000, duration: 60 }),
      userMessages: new MessageLimit(100_000),
    };
    h = await startHarness({ ringTimeoutMs: 30_000, iceServers: () => ICE, limits });
    [alice, bob, stranger, blocked, blocker, carol] = await Promise.all([
      h.createUser("Alice"),
      h.createUser("Bob"),
      h.createUser("Mallory"),
      h.createUser("Bea"),
      h.createUser("Bo"),
      h.createUser("Carol"),
    ]);
    await h.makeContacts(alice, bob);
    await h.makeContacts(carol, alice);
    await h.makeContacts(carol, bob);
    // Bea and Bo are contacts of Alice; Bob blocked Bea, Bo blocked Bob (each was a contact of Bob before).
    for (const u of [blocked, blocker]) {
      await h.makeContacts(u, alice);
      await h.makeContacts(u, bob);
    }
    await h.block(bob, blocked);
    await h.block(blocker, bob);
    a = await h.connect(alice);
    b = await h.connect(bob);
    sockets.set("stranger", await h.connect(stranger));
    sockets.set("blocked", await h.connect(blocked));
    sockets.set("blocker", await h.connect(blocker));
    sockets.set("contact", await h.connect(carol));
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

  test("the table has a row for every protocol event and a cell for every actor", () => {
    assert.deepEqual(Object.keys(schemas), CLIENT_EVENTS);
    assert.deepEqual(Object.keys(EXPECT).sort(), [...CLIENT_EVENTS].sort(), "EXPECT rows ≠ protocol events");
    for (const event of CLIENT_EVENTS) {
      assert.deepEqual(Object.keys(EXPECT[event] ?? {}).sort(), [...ACTORS].sort(), `${event}: cells`);
      assert.ok(FIXTURE[event] && RIGHTFUL[event] && PAYLOAD[event], `${event}: fixture, rightful sender, payload`);
    }
  });

  /** Ends whatever Alice, Bob or anyone else left live, then sets up Alice → Bob in `state`. */
  async function setUp(state: Fixture): Promise<string | null> {
    const live = await h.db.call.findMany({ where: { status: { in: ["ringing", "active"] } }, select: { id: true, callerId: true } });
    for (const c of live) await h.signaling.calls.hangup(c.id, c.callerId).catch(() => undefined);
    let callId: string | null = null;
    if (state === "ringing") callId = (await ring(a, b, bob.id)).id;
    if (state === "active" || state === "ended") callId = (await establish(a, b, bob.id)).id;
    if (state === "ended") await hangup(a, callId!);
    // Everything the set-up caused has arrived before the cell starts counting.
    await Promise.all([flush(a), flush(b)]);
    return callId;
  }

  const callEvents = (s: ClientSocket) =>
    (["call:incoming", "call:accepted", "call:answered-elsewhere", "call:ended", "call:peer-connection", "call:media-state", "call:offer", "signal:description", "signal:candidate"] as const).reduce(
      (n, e) => n + received(s, e).length,
      0,
    );
  const rowOf = async (id: string | null) =>
    id ? await h.db.call.findUnique({ where: { id }, select: { status: true, outcome: true, answeredAt: true, endedAt: true } }) : null;

  /** The handshake without a session (none, or one signed by another server) is refused; an event emitted meanwhile never arrives. */
  async function anonymous(event: ClientEventName, payload: unknown): Promise<void> {
    const forged = `next-auth.session-token=${await encode({ token: { sub: alice.id, name: "Alice" }, secret: "another-servers-secret-0123456789abcdef" })}`;
    for (const cookie of [undefined, forged, `next-auth.session-token=${alice.id}`]) {
      const s: Socket = io(`${h.url}/signaling`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        ...(cookie ? { extraHeaders: { cookie } } : {}),
      });
      try {
        s.emit(event, payload); // buffered until connected, which never happens
        const message = await new Promise<string>((resolve, reject) => {
          s.once("connect", () => reject(new Error("connected without a session")));
          s.once("connect_error", (err) => resolve(err.message));
        });
        assert.equal(message, "unauthorized");
        assert.equal(s.connected, false);
      } finally {
        s.disconnect();
      }
    }
  }

  for (const event of CLIENT_EVENTS) {
    for (const actor of ACTORS) {
      const expected = EXPECT[event]?.[actor];
      test(`${event} × ${actor} → ${expected ?? "(no expectation: add a row)"}`, async () => {
        assert.ok(expected, `no expectation for ${event} × ${actor}`);
        const callId = await setUp(actor === "ended" ? "ended" : FIXTURE[event]);
        const payload = PAYLOAD[event]({ callId: callId ?? "no_call_yet", bobId: bob.id });
        const sender = actor === "participant" || actor === "ended" ? (RIGHTFUL[event] === "alice" ? a : b) : sockets.get(actor);
        const rowBefore = await rowOf(callId);
        const callsBefore = await h.db.call.count();
        const deliveredBefore = [callEvents(a), callEvents(b)];

        if (expected === "handshake") {
          await anonymous(event, payload);
        } else {
          const ack = await emitRawAck(sender!, event, payload);
          if (expected !== "ok") expectError(ack, expected, `${event} × ${actor}`);
          else await checkAllowed(event, actor, expectOk(ack as never, `${event} × ${actor}`) as Record<string, unknown>, callId, payload);
        }

        if (expected !== "ok") {
          // Refused: no trace anywhere.
          await Promise.all([flush(a), flush(b)]);
          assert.deepEqual([callEvents(a), callEvents(b)], deliveredBefore, "something reached a participant");
          assert.deepEqual(await rowOf(callId), rowBefore, "the call changed");
          assert.equal(await h.db.call.count(), callsBefore, "a call row was created");
        }
        cells++;
      });
    }
  }

  /** What an allowed event must have done (and, from non-participants, not leaked). */
  async function checkAllowed(event: ClientEventName, actor: Actor, ack: Record<string, unknown>, callId: string | null, payload: unknown) {
    const text = JSON.stringify(ack);
    switch (event) {
      case "session:sync": {
        const sync = ack as { incoming: { id: string }[]; outgoing: unknown; active: unknown };
        if (actor === "participant") assert.deepEqual(sync.incoming.map((c) => c.id), [callId], "Bob sees Alice's ring");
        else assert.ok(!callId || !text.includes(callId), `${actor} learnt of the call: ${text}`);
        if (actor === "ended") assert.deepEqual(sync, { ok: true, incoming: [], outgoing: null, active: null });
        return;
      }
      case "call:invite": {
        const call = (ack as { call: { id: string; status: string; caller: { id: string } } }).call;
        assert.equal(call.status, "ringing");
        await until(() => received(b, "call:incoming").some((p) => p.call.id === call.id), "Bob's socket rings");
        assert.equal(call.caller.id, actor === "contact" ? carol.id : alice.id);
        return;
      }
      case "call:accept":
        assert.equal((ack as { call: { status: string } }).call.status, "active");
        await until(() => received(a, "call:accepted").some((p) => p.call.id === callId), "Alice is told");
        return;
      case "call:decline":
      case "call:cancel":
      case "call:hangup": {
        const outcome = { "call:decline": "declined", "call:cancel": "cancelled", "call:hangup": "completed" }[event];
        assert.equal((ack as { call: { outcome: string } }).call.outcome, outcome);
        const other = RIGHTFUL[event] === "alice" ? b : a;
        await until(() => received(other, "call:ended").some((p) => p.call.id === callId), "the other side is told");
        return;
      }
      case "call:rejoin":
        assert.equal((ack as { call: { status: string } }).call.status, "active");
        await until(() => received(a, "call:peer-connection").some((p) => p.callId === callId && p.connected), "Alice is told");
        return;
      case "call:renew-ice":
        // Bob's own ICE servers (this harness signs no TURN credential: the same list); the call is untouched.
        assert.deepEqual((ack as { iceServers: IceServer[] }).iceServers, ICE);
        assert.equal((await rowOf(callId))?.status, "active");
        return;
      case "call:offer": {
        // Bob's tabs (all of them) get it, with Bob's own ICE servers; never Alice's.
        await until(() => received(b, "call:offer").some((p) => p.callId === callId && p.description.sdp === SDP), "sent to Bob");
        assert.deepEqual(received(b, "call:offer").at(-1)?.iceServers, ICE);
        await flush(a);
        assert.equal(received(a, "call:offer").filter((p) => p.callId === callId).length, 0, "not echoed to the sender");
        return;
      }
      case "signal:description":
      case "signal:candidate":
      case "call:media-state": {
        await until(() => received(a, event).some((p) => JSON.stringify(p) === JSON.stringify(payload)), "relayed to Alice");
        await flush(b);
        assert.equal(received(b, event).filter((p) => p.callId === callId).length, 0, "not echoed to the sender");
        return;
      }
      case "presence:list": {
        const contactsOf: Record<Actor, string[]> = {
          anonymous: [],
          stranger: [],
          blocked: [alice.id],
          blocker: [alice.id],
          contact: [alice.id, bob.id],
          ended: [bob.id, carol.id, blocked.id, blocker.id],
          participant: [bob.id, carol.id, blocked.id, blocker.id],
        };
        const presence = (ack as { presence: Record<string, string> }).presence;
        assert.deepEqual(Object.keys(presence).sort(), [...contactsOf[actor]].sort(), `${actor}: only accepted contacts, never a blocked one`);
        if (presence[bob.id]) assert.equal(presence[bob.id], actor === "ended" ? "online" : "in-call");
        return;
      }
    }
  }

  test("matrix size", () => {
    const size = CLIENT_EVENTS.length * ACTORS.length;
    console.log(`[metric] authorisation matrix: ${cells} cells (${CLIENT_EVENTS.length} events × ${ACTORS.length} senders)`);
    assert.equal(cells, size, "every cell ran");
  });
});
