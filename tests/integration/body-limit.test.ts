// Request bodies are limited while they stream, in the custom server's request
// listener (server/http/request-listener.ts), before Next or any route reads
// them. The route behind it here reads every body in full, as Next's route
// handlers and next-auth do: without the limit, a 32 MB body reaches it.
import assert from "node:assert/strict";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { MAX_BODY_BYTES } from "../../server/http/body-limit";
import { TRUST_NONE } from "../../server/http/client-ip";
import { createRequestListener } from "../../server/http/request-listener";

const MB = 1024 * 1024;
const ROUTES = [
  "/api/signup",
  "/api/auth/callback/credentials",
  "/api/contacts",
  "/api/contacts/someone",
  "/api/history/seen",
  "/api/account",
  "/api/account/name",
  "/api/account/email",
  "/api/account/password",
  "/api/account/sessions",
  "/api/account/sessions/some-session-id",
];

/** What Next does with a body: read it all, then answer. */
async function readsEverything(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return; // the connection went away
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ bytes: Buffer.concat(chunks).length }));
}

type Outcome = { status: number; ms: number; sentMb: number };

/** POSTs `size` bytes (with Content-Length, or chunked) and stops sending once an answer or an error comes. */
function post(port: number, path: string, size: number, chunked: boolean): Promise<Outcome> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const started = Date.now();
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = String(size);
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers, agent: false });
    const finish = (status: number) => {
      if (done) return;
      done = true;
      resolve({ status, ms: Date.now() - started, sentMb: sent / MB });
      req.destroy();
    };
    req.on("response", (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
    });
    req.on("error", () => finish(0));
    const pump = () => {
      while (!done && sent < size) {
        const part = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent);
        sent += part.length;
        if (!req.write(part)) return void req.once("drain", pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

describe("request body limit (custom server, before Next)", () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer(createRequestListener(readsEverything, { trustProxy: TRUST_NONE }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("a small body passes untouched", async () => {
    const res = await post(port, "/api/signup", 2_000, false);
    assert.equal(res.status, 200);
    assert.equal((await post(port, "/api/signup", MAX_BODY_BYTES, true)).status, 200, "exactly the limit, chunked");
  });

  for (const chunked of [false, true]) {
    test(`a 32 MB body (${chunked ? "chunked" : "Content-Length"}) to each route → 413 quickly`, async () => {
      for (const path of ROUTES) {
        const res = await post(port, path, 32 * MB, chunked);
        assert.equal(res.status, 413, `${path}: ${JSON.stringify(res)}`);
        assert.ok(res.ms < 2_000, `${path} answered in ${res.ms} ms`);
      }
    });
  }

  test("10 such requests at once: the server's RSS grows by less than 10 MB", async () => {
    // Client and server share this process: the client streams from one 64 KB buffer.
    await post(port, "/api/signup", 32 * MB, true); // warm up both paths
    const rssBefore = process.memoryUsage().rss;
    const results = await Promise.all(ROUTES.flatMap((path) => [post(port, path, 32 * MB, false), post(port, path, 32 * MB, true)]));
    const grownMb = (process.memoryUsage().rss - rssBefore) / MB;
    for (const r of results) assert.equal(r.status, 413, JSON.stringify(r));
    console.log(`# 10 × 32 MB bodies at once: RSS +${grownMb.toFixed(1)} MB, slowest answer ${Math.max(...results.map((r) => r.ms))} ms, at most ${Math.max(...results.map((r) => r.sentMb)).toFixed(1)} MB sent by a client before its answer`);
    assert.ok(grownMb < 10, `RSS grew by ${grownMb.toFixed(1)} MB`);
  });
});
