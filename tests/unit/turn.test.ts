// TURN credentials in coturn's use-auth-secret scheme, the per-user ICE server
// list built from them, and the TURN configuration checks at start.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadEnv } from "../../server/env";
import { iceServersFromEnv } from "../../server/ice";
import { turnCredential } from "../../server/turn";

const SECRET = "dialtone-test-secret-0123";
// 2023-11-14T22:13:20Z
const NOW_MS = 1_700_000_000_000;

// Known vectors computed outside Node, with OpenSSL:
//   printf '%s' "1700000000:cm1user0000alice" | openssl dgst -sha1 -hmac "dialtone-test-secret-0123" -binary | base64
const VECTORS = [
  { username: "1700000000:cm1user0000alice", credential: "Hq2fxnRsiYubsGVMelHPc4kACgI=" },
  { username: "1700003600:cm1user0000bob", credential: "dJyZPNRXPIxRSAX4hGke1rx8rYc=" },
];

describe("turnCredential", () => {
  test("username is <unix expiry>:<user id>, expiry = now + ttl in whole seconds", () => {
    const c = turnCredential(SECRET, "cm1user0000alice", 3600, NOW_MS + 999);
    assert.equal(c.expiresAt, 1_700_003_600);
    assert.equal(c.username, "1700003600:cm1user0000alice");
    assert.match(c.username, /^\d{10}:[A-Za-z0-9_-]+$/);
  });

  test("credential is base64(HMAC-SHA1(secret, username)) — matches vectors computed with OpenSSL", () => {
    assert.equal(turnCredential(SECRET, "cm1user0000alice", 0, NOW_MS).credential, VECTORS[0]!.credential);
    const bob = turnCredential(SECRET, "cm1user0000bob", 3600, NOW_MS);
    assert.equal(bob.username, VECTORS[1]!.username);
    assert.equal(bob.credential, VECTORS[1]!.credential);
    // 20-byte digest → 28 base64 characters with one '=' of padding (coturn compares this string as-is).
    assert.match(bob.credential, /^[A-Za-z0-9+/]{27}=$/);
  });

  test("another secret or another expiry gives another credential", () => {
    const a = turnCredential(SECRET, "u1", 3600, NOW_MS);
    assert.notEqual(turnCredential(SECRET + "x", "u1", 3600, NOW_MS).credential, a.credential);
    assert.notEqual(turnCredential(SECRET, "u1", 3601, NOW_MS).credential, a.credential);
  });

  test("a user id with ':' is refused (coturn splits the username at the colon)", () => {
    assert.throws(() => turnCredential(SECRET, "evil:9999999999", 60, NOW_MS), /must not contain ':'/);
  });
});

describe("iceServersFromEnv", () => {
  const env = {
    STUN_URLS: ["stun:stun.example.org:3478"],
    TURN_URLS: ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"],
    TURN_SECRET: SECRET,
    TURN_TTL_SECONDS: 600,
  };

  test("STUN entry unchanged, then one TURN entry signed for the asking user", () => {
    const servers = iceServersFromEnv(env, () => NOW_MS)("cm1user0000alice");
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[0], { urls: ["stun:stun.example.org:3478"] });
    const turn = servers[1]!;
    assert.deepEqual(turn.urls, env.TURN_URLS);
    assert.equal(turn.username, "1700000600:cm1user0000alice");
    assert.equal(turn.credential, turnCredential(SECRET, "cm1user0000alice", 600, NOW_MS).credential);
  });

  test("each user gets their own username and credential", () => {
    const ice = iceServersFromEnv(env, () => NOW_MS);
    const alice = ice("alice")[1]!;
    const bob = ice("bob")[1]!;
    assert.equal(alice.username, "1700000600:alice");
    assert.equal(bob.username, "1700000600:bob");
    assert.notEqual(alice.credential, bob.credential);
  });

  test("expiry follows the clock at issue time (credentials are made per call, not once at start)", () => {
    let now = NOW_MS;
    const ice = iceServersFromEnv(env, () => now);
    assert.equal(ice("u")[1]!.username, "1700000600:u");
    now += 90_000;
    assert.equal(ice("u")[1]!.username, "1700000690:u");
  });

  test("the secret never appears in what browsers get", () => {
    const json = JSON.stringify(iceServersFromEnv(env)("cm1user0000alice"));
    assert.equal(json.includes(SECRET), false);
  });

  test("without TURN: only STUN, or nothing", () => {
    assert.deepEqual(iceServersFromEnv({ ...env, TURN_URLS: [], TURN_SECRET: undefined })("u"), [{ urls: env.STUN_URLS }]);
    assert.deepEqual(iceServersFromEnv({ STUN_URLS: [], TURN_URLS: [], TURN_SECRET: undefined, TURN_TTL_SECONDS: 3600 })("u"), []);
  });
});

describe("TURN configuration (server/env.ts)", () => {
  const base = { NODE_ENV: "test", AUTH_SECRET: "a".repeat(32) } as const;

  test("parses TURN_URLS as a list, TTL defaults to 3600 s", () => {
    const env = loadEnv({ ...base, TURN_URLS: " turn:t.example.org:3478?transport=udp , turns:t.example.org:5349 ", TURN_SECRET: SECRET });
    assert.deepEqual(env.TURN_URLS, ["turn:t.example.org:3478?transport=udp", "turns:t.example.org:5349"]);
    assert.equal(env.TURN_SECRET, SECRET);
    assert.equal(env.TURN_TTL_SECONDS, 3600);
  });

  test("no TURN at all is fine (an empty TURN_SECRET counts as unset)", () => {
    const env = loadEnv({ ...base, TURN_SECRET: "" });
    assert.deepEqual(env.TURN_URLS, []);
    assert.equal(env.TURN_SECRET, undefined);
  });

  test("TURN_URLS without TURN_SECRET, and the reverse, stop the start with a readable message", () => {
    assert.throws(() => loadEnv({ ...base, TURN_URLS: "turn:t.example.org:3478" }), /TURN_SECRET: is required when TURN_URLS is set/);
    assert.throws(() => loadEnv({ ...base, TURN_SECRET: SECRET }), /TURN_URLS: is required when TURN_SECRET is set/);
  });

  test("rejects a short secret, a non-TURN URL and a TTL under 60 s", () => {
    assert.throws(() => loadEnv({ ...base, TURN_URLS: "turn:t.example.org:3478", TURN_SECRET: "short" }), /TURN_SECRET: must be at least 16 characters/);
    assert.throws(() => loadEnv({ ...base, TURN_URLS: "stun:t.example.org:3478", TURN_SECRET: SECRET }), /TURN_URLS\.0: each entry must be a turn: or turns: URL/);
    assert.throws(() => loadEnv({ ...base, TURN_URLS: "turn:t.example.org", TURN_SECRET: SECRET, TURN_TTL_SECONDS: "59" }), /TURN_TTL_SECONDS/);
    assert.equal(loadEnv({ ...base, TURN_URLS: "turn:t.example.org", TURN_SECRET: SECRET, TURN_TTL_SECONDS: "60" }).TURN_TTL_SECONDS, 60);
  });
});
