// What a node does when it is told to stop (server/shutdown.ts), in process:
// it refuses new connections, turns /readyz to 503, closes its clients'
// connections so they reconnect (a Socket.IO client does so by itself after
// "transport close"), and its calls carry on on the node they reconnect to.
// Its queued database writes are flushed before it closes. The same stop as
// a real process under SIGTERM, between two nodes over Redis: tests/multinode.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { createLimits } from "../../server/rate-limits";
import { createSignaling, type Signaling } from "../../server/signaling";
import { emitAck, establish, expectOk, hangup, startHarness, waitFor, type ClientSocket, type Harness } from "./harness";

describe("a node that is shutting down", () => {
  let h: Harness;
  let other: { signaling: Signaling; url: string; close: () => Promise<void> } | undefined;
  const extra: ClientSocket[] = [];

  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000, graceMs: 5_000 });
  });
  after(async () => {
    for (const s of extra) s.disconnect();
    await other?.close();
    await h.close();
  });

  /** Another node on the same database and call state: where the clients land. */
  async function otherNode() {
    const httpServer = createServer();
    const signaling = createSignaling(httpServer, {
      db: h.db,
      authSecret: h.secret,
      ringTimeoutMs: 10_000,
      graceMs: 5_000,
      iceServers: () => [],
      limits: createLimits(),
      sweepEveryMs: 200,
      callState: h.callState,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    return { signaling, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, close: () => signaling.close() };
  }

  /** A client that reconnects by itself, as the app's does. */
  async function reconnectingClient(url: string, cookie: string): Promise<ClientSocket> {
    const s: ClientSocket = io(`${url}/signaling`, { transports: ["websocket"], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100, extraHeaders: { cookie } });
    extra.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once("connect", resolve);
      s.once("connect_error", reject);
    });
    return s;
  }

  test("queued database writes are flushed before it closes", async () => {
    const [carol, dave] = [await h.createUser("Carol"), await h.createUser("Dave")];
    const store = h.signaling.store;
    const id = randomUUID();
    const d = await store.invite({
      id,
      callerId: carol.id,
      calleeId: dave.id,
      kind: "audio",
      caller: { id: carol.id, name: carol.name },
      callee: { id: dave.id, name: dave.name },
      now: new Date(),
      ringTimeoutMs: 10_000,
    });
    assert.equal(d.kind, "rang");
    // The row's write is queued behind the decision (it runs on a later turn of
    // the event loop); flush() resolves once it is made, without its promise.
    await store.flush();
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id } })).status, "ringing");
    await store.transition(id, "ringing", { status: "ended", outcome: "cancelled", endReason: "cancelled", endedAt: new Date() });
    await store.flush();
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id } })).status, "ended");
  });

  test("its clients are sent to reconnect, it takes no new ones, and their call carries on elsewhere", async () => {
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    const [cookieA, cookieB] = [await h.cookieFor(alice), await h.cookieFor(bob)];
    const a = await reconnectingClient(h.url, cookieA);
    const b = await reconnectingClient(h.url, cookieB);
    const call = await establish(a, b, bob.id);

    const reasons = [a, b].map((s) => new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason))));
    const refusedRetry = new Promise<void>((resolve) => a.io.once("reconnect_error", () => resolve()));
    assert.equal(h.signaling.draining(), false);
    const t0 = Date.now();
    await h.signaling.drain(2_000);
    assert.ok(Date.now() - t0 < 1_000, `drained in ${Date.now() - t0} ms`);
    assert.equal(h.signaling.draining(), true);
    assert.equal(h.signaling.nsp.sockets.size, 0, "no socket left on the node");
    // "transport close": the client reconnects by itself ("io server disconnect" would leave it offline).
    assert.deepEqual(await Promise.all(reasons), ["transport close", "transport close"]);
    assert.equal(a.active, true, "the client is still trying to reconnect");
    await refusedRetry;
    assert.equal(a.connected, false, "the draining node refused the reconnection");
    assert.match(await h.connectError(cookieA), /websocket error|xhr poll error|Forbidden|draining/i);
    a.disconnect();
    b.disconnect();

    // The call is still active, and both land on another node and rejoin it.
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: call.id } })).status, "active");
    other = await otherNode();
    const a2 = await reconnectingClient(other.url, cookieA);
    const b2 = await reconnectingClient(other.url, cookieB);
    const sync = expectOk(await emitAck(a2, "session:sync", {}));
    assert.equal(sync.active?.id, call.id);
    expectOk(await emitAck(a2, "call:rejoin", { callId: call.id }));
    expectOk(await emitAck(b2, "call:rejoin", { callId: call.id }));
    const relayed = waitFor(b2, "signal:candidate");
    expectOk(await emitAck(a2, "signal:candidate", { callId: call.id, candidate: null }));
    await relayed;
    await hangup(a2, call.id);
    const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.status, "ended");
    assert.equal(row.outcome, "completed");
  });
});
