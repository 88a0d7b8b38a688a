// The one rule for a client's IP address (server/http/client-ip.ts): how much of
// X-Forwarded-For TRUST_PROXY lets count, and how TRUST_PROXY is read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deriveClientIp, parseTrustProxy, TRUST_NONE, type TrustProxy } from "../../server/http/client-ip";
import { loadEnv } from "../../server/env";

const trust = (v: string): TrustProxy => {
  const t = parseTrustProxy(v);
  assert.notEqual(typeof t, "string", `${v} should parse`);
  return t as TrustProxy;
};

describe("deriveClientIp", () => {
  test("trust none (the default): a spoofed X-Forwarded-For from a direct connection is ignored", () => {
    assert.equal(deriveClientIp("203.0.113.9", "1.2.3.4", TRUST_NONE), "203.0.113.9");
    assert.equal(deriveClientIp("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", trust("")), "203.0.113.9", "IPv4-mapped IPv6 is normalised");
    assert.equal(deriveClientIp(undefined, "1.2.3.4", TRUST_NONE), "unknown");
  });

  test("one trusted hop: the address nginx appended, not what the client wrote before it", () => {
    const one = trust("1");
    assert.equal(deriveClientIp("127.0.0.1", "198.51.100.7", one), "198.51.100.7");
    // The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the real address.
    assert.equal(deriveClientIp("127.0.0.1", "1.2.3.4, 198.51.100.7", one), "198.51.100.7");
    assert.equal(deriveClientIp("127.0.0.1", ["1.2.3.4", "198.51.100.7"], one), "198.51.100.7", "repeated headers");
    assert.equal(deriveClientIp("127.0.0.1", undefined, one), "127.0.0.1", "no header: the peer");
    assert.equal(deriveClientIp("127.0.0.1", "not-an-ip", one), "127.0.0.1", "garbage ends the walk");
    assert.equal(deriveClientIp("127.0.0.1", "1.2.3.4, 10.0.0.2, 198.51.100.7", trust("2")), "10.0.0.2");
    assert.equal(deriveClientIp("127.0.0.1", "[2001:db8::1]", one), "2001:db8::1");
  });

  test("proxy addresses/CIDRs: trusted hops are skipped from the right, the first untrusted one is the client", () => {
    const list = trust("127.0.0.1, 10.0.0.0/8, fd00::/8");
    assert.equal(deriveClientIp("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3", list), "198.51.100.7");
    assert.equal(deriveClientIp("fd00::5", "198.51.100.8", list), "198.51.100.8");
    // A direct connection from outside the list: its header is the client's own and ignored.
    assert.equal(deriveClientIp("203.0.113.9", "1.2.3.4", list), "203.0.113.9");
    // Only trusted addresses in the chain: the leftmost.
    assert.equal(deriveClientIp("127.0.0.1", "10.0.0.1", list), "10.0.0.1");
  });
});

describe("TRUST_PROXY", () => {
  test("is validated with the rest of the configuration", () => {
    assert.deepEqual(loadEnv({ NODE_ENV: "test", AUTH_SECRET: "x".repeat(32) }).TRUST_PROXY, TRUST_NONE);
    assert.deepEqual(loadEnv({ NODE_ENV: "test", AUTH_SECRET: "x".repeat(32), TRUST_PROXY: "2" }).TRUST_PROXY, { hops: 2 });
    for (const bad of ["10.0.0.0/33", "nginx", "10.0.0.1/8/1", "1.2.3", "99"])
      assert.throws(() => loadEnv({ NODE_ENV: "test", AUTH_SECRET: "x".repeat(32), TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
  });
});
