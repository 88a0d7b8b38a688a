// Socket.IO's connection-state recovery on one node (server/signaling/
// recovery-adapter.ts): a socket that blips comes back with its id, its rooms
// (the call room included) and the events it missed, without a rejoin; the
// adapter's packet log holds no more than the recovery window, and no
// presence updates.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { emitAck, establish, expectOk, startHarness, until, waitFor, type ClientSocket, type Harness } from "./harness";

describe("connection-state recovery (one node)", () => {
  let h: Harness;
  const extra: ClientSocket[] = [];
  before(async () => {
    // The recovery window is max(grace, 2 s).
    h = await startHarness({ graceMs: 2_000 });
  });
  after(async () => {
    for (const s of extra) s.disconnect();
    await h.close();
  });

  const packetLog = () => (h.signaling.nsp.adapter as unknown as { packets: unknown[] }).packets;

  test("a blip mid-call: the socket comes back recovered, in its call room, with the candidate it missed", async () => {
    const [alice, bob] = [await h.createUser("Alice"), await h.createUser("Bob")];
    await h.makeContacts(alice, bob);
    const a: ClientSocket = io(`${h.url}/signaling`, {
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 50,
      extraHeaders: { cookie: await h.cookieFor(alice) },
    });
    extra.push(a);
    await new Promise<void>((resolve, reject) => {
      a.once("connect", resolve);
      a.once("connect_error", reject);
    });
    const b = await h.connect(bob);
    const call = await establish(a, b, bob.id);
    const idBefore = a.id;

    // The transport drops (a network blip); Bob trickles a candidate meanwhile.
    const down = new Promise<void>((resolve) => a.once("disconnect", () => resolve()));
    a.io.engine.close();
    await down;
    const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    expectOk(await emitAck(b, "signal:candidate", { callId: call.id, candidate }));

    const missed = waitFor(a, "signal:candidate");
    await new Promise<void>((resolve) => a.once("connect", () => resolve()));
    assert.equal(a.recovered, true, "recovered by Socket.IO");
    assert.equal(a.id, idBefore, "same socket id");
    assert.deepEqual((await missed).candidate, candidate, "the missed candidate is delivered");
    // Still in the call room: its relays reach Bob with no rejoin.
    const got = waitFor(b, "signal:candidate");
    expectOk(await emitAck(a, "signal:candidate", { callId: call.id, candidate: null }));
    assert.equal((await got).candidate, null);
    expectOk(await emitAck(b, "call:hangup", { callId: call.id }));
  });

  test("presence updates are delivered but not logged for replay (a recovered client asks presence:list)", async () => {
    const [ann, ben] = [await h.createUser("Ann"), await h.createUser("Ben")];
    await h.makeContacts(ann, ben);
    const a = await h.connect(ann);
    const update = waitFor(a, "presence:update", (p) => p.userId === ben.id && p.presence === "online");
    await h.connect(ben);
    await update;
    const logged = (h.signaling.nsp.adapter as unknown as { packets: { data: unknown[] }[] }).packets;
    assert.ok(logged.length > 0, "other broadcasts are logged");
    assert.equal(logged.filter((p) => p.data[0] === "presence:update").length, 0);
  });

  test("an authenticated socket keeps no copy of its upgrade request (headers, session cookie) for its lifetime", async () => {
    const u = await h.createUser("Lean");
    const client = await h.connect(u);
    const server = h.signaling.nsp.sockets.get(client.id!);
    assert.ok(server, "the server-side socket");
    assert.deepEqual(server.handshake.headers, {});
    assert.equal((server.conn as unknown as { request: unknown }).request, null);
    // Still a working socket.
    expectOk(await emitAck(client, "session:sync", {}));
  });

  test("the packet log is kept to the recovery window (pruned every second, not every minute)", async () => {
    const logged = packetLog().length;
    assert.ok(logged > 0, "the calls above were logged");
    // Window 2 s + one pruning tick.
    await until(() => packetLog().length === 0, "the log to empty", 4_500);
  });
});
