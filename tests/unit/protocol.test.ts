// The signaling contract (one zod schema per client→server event) and the
// account/contact form schemas. Every schema must accept its valid payload and
// reject anything else: a handler never sees a payload that failed here.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CLIENT_EVENTS, LIMITS, schemas, type ClientEventName } from "../../server/protocol/events";
import {
  addContactSchema,
  contactActionSchema,
  fieldErrors,
  signInSchema,
  signUpSchema,
} from "../../server/auth/schemas";

const SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const CANDIDATE = {
  candidate: "candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0",
  sdpMid: "0",
  sdpMLineIndex: 0,
  usernameFragment: "abcd",
};

/** One valid payload per event; the test below fails if an event is added without one. */
const VALID: Record<ClientEventName, Record<string, unknown>> = {
  "session:sync": {},
  "call:invite": { calleeId: "cm1abcdef0000user", kind: "video" },
  "call:accept": { callId: "cm1abcdef0000call" },
  "call:decline": { callId: "cm1abcdef0000call" },
  "call:cancel": { callId: "cm1abcdef0000call" },
  "call:hangup": { callId: "cm1abcdef0000call" },
  "call:rejoin": { callId: "cm1abcdef0000call" },
  "call:renew-ice": { callId: "cm1abcdef0000call" },
  "signal:description": { callId: "cm1abcdef0000call", description: { type: "offer", sdp: SDP } },
  "call:offer": { callId: "cm1abcdef0000call", description: { type: "offer", sdp: SDP } },
  "signal:candidate": { callId: "cm1abcdef0000call", candidate: CANDIDATE },
  "call:media-state": { callId: "cm1abcdef0000call", audio: true, video: false },
  "call:screen-share": { callId: "cm1abcdef0000call", mid: "2" },
  "presence:list": {},
};

/** The id field of each event that carries one. */
const ID_FIELD: Partial<Record<ClientEventName, string>> = {
  "call:invite": "calleeId",
  "call:accept": "callId",
  "call:decline": "callId",
  "call:cancel": "callId",
  "call:hangup": "callId",
  "call:rejoin": "callId",
  "call:renew-ice": "callId",
  "signal:description": "callId",
  "signal:candidate": "callId",
  "call:media-state": "callId",
};

const accepts = (event: ClientEventName, payload: unknown) =>
  assert.equal(schemas[event].safeParse(payload).success, true, `${event} should accept ${JSON.stringify(payload)?.slice(0, 200)}`);
const rejects = (event: ClientEventName, payload: unknown, why: string) =>
  assert.equal(schemas[event].safeParse(payload).success, false, `${event} should reject ${why}`);

const with_ = (event: ClientEventName, patch: Record<string, unknown>) => ({ ...VALID[event], ...patch });
const without = (event: ClientEventName, key: string) => {
  const copy: Record<string, unknown> = { ...VALID[event] };
  delete copy[key];
  return copy;
};

describe("signaling schemas: every event", () => {
  test("there is a valid payload for exactly the events in `schemas`", () => {
    assert.deepEqual(Object.keys(VALID).sort(), [...CLIENT_EVENTS].sort());
    assert.deepEqual([...CLIENT_EVENTS].sort(), Object.keys(schemas).sort());
  });

  for (const event of CLIENT_EVENTS) {
    describe(event, () => {
      test("accepts a valid payload", () => accepts(event, VALID[event]));

      test("rejects payloads of the wrong type", () => {
        for (const bad of [null, undefined, 0, 42, "", "{}", true, [], [VALID[event]], () => undefined]) {
          rejects(event, bad, `a ${Array.isArray(bad) ? "array" : typeof bad} (${String(bad)})`);
        }
      });

      test("rejects an extra field", () => {
        rejects(event, with_(event, { extra: 1 }), "an extra field");
        rejects(event, with_(event, { userId: "someone-else" }), "an injected userId");
      });

      test("rejects a __proto__ key (as JSON.parse builds it off the wire)", () => {
        const json = JSON.stringify(VALID[event]).replace(/^\{/, '{"__proto__":{"polluted":true},').replace(",}", "}");
        const payload: unknown = JSON.parse(json);
        assert.ok(Object.hasOwn(payload as object, "__proto__"));
        rejects(event, payload, "an own __proto__ key");
        assert.equal(({} as { polluted?: unknown }).polluted, undefined);
      });

      test("rejects a constructor / prototype key", () => {
        rejects(event, with_(event, { constructor: { prototype: { polluted: true } } }), "a constructor key");
        rejects(event, with_(event, { prototype: {} }), "a prototype key");
      });

      const idField = ID_FIELD[event];
      if (idField) {
        test(`requires ${idField}, a short id of [A-Za-z0-9_-]`, () => {
          rejects(event, without(event, idField), `a missing ${idField}`);
          for (const bad of [null, 42, true, {}, ["abc"]]) rejects(event, with_(event, { [idField]: bad }), `${idField} = ${JSON.stringify(bad)}`);
          rejects(event, with_(event, { [idField]: "" }), "an empty id");
          rejects(event, with_(event, { [idField]: "a".repeat(LIMITS.id + 1) }), `an id longer than ${LIMITS.id}`);
          accepts(event, with_(event, { [idField]: "a".repeat(LIMITS.id) }));
          accepts(event, with_(event, { [idField]: "Az09_-" }));
          for (const bad of ["a b", "a.b", "../etc", "a/b", "a:b", "call:x", "a;b", "é", "a\u0000b", "a\nb", "<script>", "$where", "a*"]) {
            rejects(event, with_(event, { [idField]: bad }), `the id ${JSON.stringify(bad)}`);
          }
        });
      }
    });
  }
});

describe("signaling schemas: event specifics", () => {
  test("session:sync and presence:list take an empty object only", () => {
    for (const event of ["session:sync", "presence:list"] as const) {
      accepts(event, {});
      rejects(event, { callId: "x" }, "any field");
    }
  });

  test("call:invite needs kind video or audio", () => {
    accepts("call:invite", with_("call:invite", { kind: "audio" }));
    rejects("call:invite", without("call:invite", "kind"), "a missing kind");
    for (const kind of ["screen", "VIDEO", "", null, 1]) rejects("call:invite", with_("call:invite", { kind }), `kind ${JSON.stringify(kind)}`);
  });

  test("signal:description: offer or answer, SDP 1..LIMITS.sdp characters", () => {
    const desc = (d: unknown) => with_("signal:description", { description: d });
    accepts("signal:description", desc({ type: "answer", sdp: SDP }));
    accepts("signal:description", desc({ type: "offer", sdp: "x".repeat(LIMITS.sdp) }));
    rejects("signal:description", desc({ type: "offer", sdp: "x".repeat(LIMITS.sdp + 1) }), "an oversize SDP");
    rejects("signal:description", desc({ type: "offer", sdp: "" }), "an empty SDP");
    for (const type of ["pranswer", "rollback", "OFFER", "", null]) rejects("signal:description", desc({ type, sdp: SDP }), `type ${JSON.stringify(type)}`);
    rejects("signal:description", desc({ type: "offer" }), "a missing sdp");
    rejects("signal:description", desc({ sdp: SDP }), "a missing type");
    rejects("signal:description", desc({ type: "offer", sdp: 42 }), "a numeric sdp");
    rejects("signal:description", desc({ type: "offer", sdp: SDP, extra: 1 }), "an extra field in the description");
    rejects("signal:description", desc(null), "a null description");
    rejects("signal:description", desc(SDP), "a bare SDP string");
    rejects("signal:description", without("signal:description", "description"), "a missing description");
  });

  test("signal:candidate: RTCIceCandidateInit-shaped, or null for end-of-candidates", () => {
    const cand = (c: unknown) => with_("signal:candidate", { candidate: c });
    accepts("signal:candidate", cand(null));
    accepts("signal:candidate", cand({ candidate: "" }));
    accepts("signal:candidate", cand({ candidate: CANDIDATE.candidate, sdpMid: null, sdpMLineIndex: null, usernameFragment: null }));
    accepts("signal:candidate", cand({ ...CANDIDATE, sdpMLineIndex: 64 }));
    accepts("signal:candidate", cand({ ...CANDIDATE, candidate: "c".repeat(LIMITS.candidate) }));
    rejects("signal:candidate", cand({ ...CANDIDATE, candidate: "c".repeat(LIMITS.candidate + 1) }), "an oversize candidate");
    rejects("signal:candidate", cand({ ...CANDIDATE, sdpMid: "m".repeat(LIMITS.id + 1) }), "an oversize sdpMid");
    rejects("signal:candidate", cand({ ...CANDIDATE, usernameFragment: "u".repeat(257) }), "an oversize usernameFragment");
    for (const idx of [-1, 65, 1.5, "0", Number.NaN]) rejects("signal:candidate", cand({ ...CANDIDATE, sdpMLineIndex: idx }), `sdpMLineIndex ${String(idx)}`);
    rejects("signal:candidate", cand({ sdpMid: "0" }), "a missing candidate string");
    rejects("signal:candidate", cand({ ...CANDIDATE, candidate: 42 }), "a numeric candidate string");
    rejects("signal:candidate", cand({ ...CANDIDATE, foundation: "1" }), "an extra candidate field");
    rejects("signal:candidate", cand("candidate:1 1 udp 1 127.0.0.1 1 typ host"), "a bare candidate string");
    rejects("signal:candidate", without("signal:candidate", "candidate"), "a missing candidate");
  });

  test("a parsed payload carries only the schema's fields", () => {
    const parsed = schemas["signal:description"].parse(VALID["signal:description"]);
    assert.deepEqual(parsed, VALID["signal:description"]);
  });
});

describe("form schemas (sign-up, sign-in, contacts)", () => {
  const valid = { name: "Bob", email: "bob@x.io", password: "long enough" };

  test("sign-up accepts a valid form and normalises the email (trim + lower case)", () => {
    const r = signUpSchema.safeParse({ ...valid, name: "  Bob  ", email: "  Bob@X.IO " });
    assert.ok(r.success);
    assert.deepEqual(r.data, { name: "Bob", email: "bob@x.io", password: "long enough" });
  });

  test("sign-up rejects a password under 8 characters with a clear message", () => {
    const r = signUpSchema.safeParse({ ...valid, password: "1234567" });
    assert.equal(r.success, false);
    assert.deepEqual(fieldErrors(r.error!), { password: "Use at least 8 characters for your password." });
    assert.equal(signUpSchema.safeParse({ ...valid, password: "12345678" }).success, true);
  });

  test("sign-up rejects an overlong password, a bad email, an empty name, extra fields", () => {
    const errs = (input: unknown) => {
      const r = signUpSchema.safeParse(input);
      assert.equal(r.success, false, JSON.stringify(input).slice(0, 100));
      return fieldErrors(r.error!);
    };
    assert.equal(errs({ ...valid, password: "p".repeat(201) }).password, "Use at most 200 characters for your password.");
    assert.equal(errs({ ...valid, email: "not-an-email" }).email, "Enter a valid email address.");
    assert.equal(errs({ ...valid, email: `${"a".repeat(250)}@x.io` }).email, "That email is too long.");
    assert.equal(errs({ ...valid, name: "   " }).name, "Enter your name.");
    assert.equal(errs({ ...valid, name: "n".repeat(81) }).name, "Use at most 80 characters.");
    assert.ok(errs({ ...valid, isAdmin: true }).form, "an unknown field is a form-level error");
    assert.ok(Object.keys(errs({ name: "Bob" })).includes("email"));
  });

  test("sign-in normalises the email and needs a non-empty password", () => {
    const r = signInSchema.safeParse({ email: " ALICE@Example.com", password: "x" });
    assert.ok(r.success);
    assert.equal(r.data.email, "alice@example.com");
    assert.equal(fieldErrors(signInSchema.safeParse({ email: "a@b.io", password: "" }).error!).password, "Enter your password.");
  });

  test("add-contact normalises the email; contact actions are a closed set", () => {
    assert.equal(addContactSchema.parse({ email: "Carol@Example.COM " }).email, "carol@example.com");
    for (const action of ["accept", "decline", "remove", "block"]) assert.equal(contactActionSchema.safeParse({ action }).success, true);
    for (const action of ["unblock", "ACCEPT", "", null]) assert.equal(contactActionSchema.safeParse({ action }).success, false);
    assert.equal(contactActionSchema.safeParse({ action: "accept", extra: 1 }).success, false);
  });
});
