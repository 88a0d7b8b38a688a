// Cross-site WebSocket hijacking: a page on another site cannot open the
// signaling socket with the user's cookie; our own origin (and non-browser
// clients, which send no Origin) can.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { sameOrigin } from "../../server/http/same-origin";
import { startHarness, type Harness } from "./harness";

describe("signaling handshake Origin check", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function attempt(cookie: string, origin?: string): Promise<string> {
    const s = io(`${h.url}/signaling`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie, ...(origin ? { origin } : {}) },
    });
    try {
      return await new Promise<string>((resolve) => {
        s.once("connect", () => resolve("connected"));
        s.once("connect_error", (err: Error) => resolve(err.message));
      });
    } finally {
      s.disconnect();
    }
  }

  test("another site's page is refused even with a valid session cookie", async () => {
    const cookie = await h.cookieFor(await h.createUser("Ada"));
    assert.equal(await attempt(cookie, "https://evil.example"), "unauthorized");
    assert.equal(await attempt(cookie, "null"), "unauthorized");
    assert.equal(await attempt(cookie, `http://127.0.0.1:${h.port + 1}`), "unauthorized", "another port is another origin");
  });

  test("our own origin and clients without an Origin connect", async () => {
    const cookie = await h.cookieFor(await h.createUser("Bea"));
    assert.equal(await attempt(cookie, `http://127.0.0.1:${h.port}`), "connected");
    assert.equal(await attempt(cookie), "connected");
  });

  test("sameOrigin compares hosts with their ports", () => {
    assert.equal(sameOrigin("https://call.example.org", "call.example.org"), true);
    assert.equal(sameOrigin("https://call.example.org:8443", "call.example.org"), false);
    assert.equal(sameOrigin("not a url", "call.example.org"), false);
    assert.equal(sameOrigin("https://call.example.org", undefined), false);
    assert.equal(sameOrigin(undefined, "call.example.org"), true);
  });
});
