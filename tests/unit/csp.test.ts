// The pages' Content-Security-Policy (server/http/csp.ts): nonce scripts only,
// our own origin and websocket only. tests/e2e/security.spec.ts checks it on
// real pages (every script carries the nonce, no violation is reported).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentSecurityPolicy, newNonce } from "../../server/http/csp";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `)) ?? "";

describe("contentSecurityPolicy", () => {
  test("scripts: the nonce and 'strict-dynamic', never 'unsafe-inline'; eval only in development", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123==", dev: false, publicUrl: "https://call.example.org" });
    assert.equal(directive(csp, "script-src"), "script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.match(directive(contentSecurityPolicy({ nonce: "n", dev: true }), "script-src"), /'unsafe-eval'/);
  });

  test("connect-src: our origin and the public URL's websocket, not any websocket host", () => {
    assert.equal(directive(contentSecurityPolicy({ nonce: "n", dev: false, publicUrl: "https://call.example.org" }), "connect-src"), "connect-src 'self' wss://call.example.org");
    assert.equal(directive(contentSecurityPolicy({ nonce: "n", dev: false, publicUrl: "http://127.0.0.1:3000" }), "connect-src"), "connect-src 'self' ws://127.0.0.1:3000");
    assert.equal(directive(contentSecurityPolicy({ nonce: "n", dev: false, publicUrl: "not a url" }), "connect-src"), "connect-src 'self'");
  });

  test("nonces are fresh, 128-bit base64", () => {
    const a = newNonce();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(a, newNonce());
  });
});
