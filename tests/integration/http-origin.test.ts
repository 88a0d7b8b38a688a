// Cross-origin writes: every POST/PUT/PATCH/DELETE from another site's page is
// refused 403 forbidden_origin by the custom server's request listener
// (server/http/request-listener.ts, server/http/same-origin.ts) before Next or
// a route runs, whatever its content type (a text/plain JSON body needs no
// CORS preflight); reads, our own pages and non-browser clients pass.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { TRUST_NONE } from "../../server/http/client-ip";
import { createRequestListener } from "../../server/http/request-listener";

/** Stands in for Next: every request that reaches it "succeeds". */
async function route(req: IncomingMessage, res: ServerResponse) {
  for await (const chunk of req) void chunk;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: true, reached: `${req.method} ${req.url}` }));
}

describe("Origin check on state-changing HTTP requests", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer(createRequestListener(route, { trustProxy: TRUST_NONE }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(base + path, { method, headers: { cookie: "next-auth.session-token=x", ...headers }, body });
    return { status: res.status, json: (await res.json()) as { ok: boolean; code?: string } };
  };
  const evil = "https://evil.example";

  test("a text/plain JSON POST and a DELETE from a foreign Origin → 403 forbidden_origin", async () => {
    const post = await send("POST", "/api/contacts", { origin: evil, "content-type": "text/plain" }, JSON.stringify({ email: "x@y.z" }));
    assert.deepEqual([post.status, post.json.code], [403, "forbidden_origin"]);
    const del = await send("DELETE", "/api/contacts/someone", { origin: evil });
    assert.deepEqual([del.status, del.json.code], [403, "forbidden_origin"]);
    for (const method of ["PUT", "PATCH"]) assert.equal((await send(method, "/api/history/seen", { origin: evil })).status, 403, method);
    // The account routes: a foreign page can neither sign sessions out, nor change the name, email or password, nor delete the account.
    for (const [method, path] of [
      ["DELETE", "/api/account/sessions"],
      ["DELETE", "/api/account/sessions/some-session-id"],
      ["POST", "/api/account/name"],
      ["POST", "/api/account/email"],
      ["POST", "/api/account/password"],
      ["DELETE", "/api/account"],
    ]) {
      const res = await send(method!, path!, { origin: evil, "content-type": "text/plain" }, JSON.stringify({ password: "x" }));
      assert.deepEqual([res.status, res.json.code], [403, "forbidden_origin"], `${method} ${path}`);
    }
    assert.equal((await send("POST", "/api/auth/callback/credentials", { origin: "null", "content-type": "application/x-www-form-urlencoded" }, "a=b")).status, 403, "Origin: null");
    assert.equal((await send("POST", "/api/signup", { origin: `http://evil.example:${new URL(base).port}` }, "{}")).status, 403, "another host, same port");
  });

  test("without Origin, Sec-Fetch-Site decides: cross-site and same-site are refused", async () => {
    for (const site of ["cross-site", "same-site"]) assert.equal((await send("POST", "/api/history/seen", { "sec-fetch-site": site }, "{}")).status, 403, site);
    for (const site of ["same-origin", "none"]) assert.equal((await send("POST", "/api/history/seen", { "sec-fetch-site": site }, "{}")).status, 200, site);
  });

  test("our own origin, non-browser clients (no Origin) and reads pass", async () => {
    assert.equal((await send("POST", "/api/contacts", { origin: base, "content-type": "application/json" }, "{}")).status, 200);
    assert.equal((await send("DELETE", "/api/contacts/someone", {})).status, 200);
    assert.equal((await send("GET", "/api/contacts", { origin: evil })).status, 200);
  });
});
