// A restart loses every in-memory timer and every call-room membership. Calls
// that were active must not stay "active" forever (both users Busy and In a
// call for good): each participant gets the grace period to come back.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { createLimits } from "../../server/rate-limits";
import { createSignaling, type Signaling } from "../../server/signaling";
import { emitAck, establish, expectOk, startHarness, until, waitFor, type ClientSocket, type Harness } from "./harness";

const GRACE_MS = 400;

describe("after a server restart", () => {
  let h: Harness;
  let second: { signaling: Signaling; url: string } | undefined;
  const extra: ClientSocket[] = [];

  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000, graceMs: GRACE_MS });
  });
  after(async () => {
    for (const s of extra) s.disconnect();
    await second?.signaling.close();
    await h.close();
  });

  /** A second server process on the same database: what a restart looks like to it. */
  async function restart() {
    await second?.signaling.close();
    const httpServer = createServer();
    const signaling = createSignaling(httpServer, {
      db: h.db,
      authSecret: h.secret,
      ringTimeoutMs: 10_000,
      graceMs: GRACE_MS,
      iceServers: () => [],
      limits: createLimits(),
      sweepEveryMs: 200,
      callState: h.callState,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    second = { signaling, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
  }

  async function connectTo(url: string, cookie: string): Promise<ClientSocket> {
    const s: ClientSocket = io(`${url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    extra.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once("connect", resolve);
      s.once("connect_error", reject);
    });
    return s;
  }

  test("an active call nobody comes back to ends as failed after the grace period", async () => {
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    const call = await establish(await h.connect(alice), await h.connect(bob), bob.id);
    await restart();
    await until(async () => (await h.db.call.findUniqueOrThrow({ where: { id: call.id } })).status === "ended", "the call to end", GRACE_MS + 3000);
    const row = await h.db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.outcome, "failed");
    assert.equal(row.endReason, "connection_lost");
  });

  test("an active call both sides rejoin after the restart keeps going", async () => {
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    const call = await establish(await h.connect(alice), await h.connect(bob), bob.id);
    await restart();
    const url = second!.url;
    const a = await connectTo(url, await h.cookieFor(alice));
    const b = await connectTo(url, await h.cookieFor(bob));
    const sync = expectOk(await emitAck(a, "session:sync", {}));
    assert.equal(sync.active?.id, call.id);
    expectOk(await emitAck(a, "call:rejoin", { callId: call.id }));
    expectOk(await emitAck(b, "call:rejoin", { callId: call.id }));
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    assert.equal((await h.db.call.findUniqueOrThrow({ where: { id: call.id } })).status, "active");
    const got = waitFor(b, "signal:candidate");
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: null }));
    await got;
    expectOk(await emitAck(b, "call:hangup", { callId: call.id }));
  });
});
