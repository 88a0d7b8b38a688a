// Socket.IO's connection-state recovery on one node (server/signaling/
// recovery-adapter.ts): a socket that blips comes back with its id, its rooms
// (the call room included) and the events it missed, without a rejoin; the
// adapter's packet log holds no more than the recovery window, and no
// presence updates.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { connectRedis, type RedisClient } from "../../server/redis";
import { startRedis, type TestRedis } from "../support/redis";
import { emitAck, establish, expectError, expectOk, startHarness, until, waitFor, type ClientSocket, type Harness } from "./harness";

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

  test("a blip mid-call: the socket comes back recovered, in its call room, with the candidate it missed", () => blipRecovers(h, extra));

  test("another user's pid and offset: the handshake is refused, nothing of the old socket reaches the stranger, and C hears nothing from them", () => takeoverIsRefused(h, extra));

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

/** B blips mid-call and comes back: same id, call room and the missed candidate (Socket.IO's recovery). */
async function blipRecovers(h: Harness, extra: ClientSocket[]) {
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
}

/** N presents B's pid and offset with N's own cookie: refused; nothing of B's socket reaches N. */
async function takeoverIsRefused(h: Harness, extra: ClientSocket[]) {
  const [bea, cal, nat] = [await h.createUser("Bea"), await h.createUser("Cal"), await h.createUser("Nat")];
  await h.makeContacts(bea, cal);
  const b = await h.connect(bea);
  const c = await h.connect(cal);
  const call = await establish(b, c, cal.id);
  // What a leaked tab would give away: the private session id and a recent offset.
  const leaked = b as unknown as { _pid?: string; _lastOffset?: string };
  const pid = leaked._pid;
  assert.ok(pid, "recovery is on: the client holds a pid");
  // Something for B's socket after the pid was read, so an offset exists in the log.
  const candidateSeen = waitFor(b, "signal:candidate");
  expectOk(await emitAck(c, "signal:candidate", { callId: call.id, candidate: null }));
  await candidateSeen;
  const offset = leaked._lastOffset;
  assert.ok(offset, "an offset");

  // B's connection drops; C trickles a candidate meanwhile (logged for B's recovery).
  const down = new Promise<void>((resolve) => b.once("disconnect", () => resolve()));
  b.io.engine.close();
  await down;
  const secret = "candidate:9 1 udp 2122260223 192.0.2.99 54400 typ host";
  expectOk(await emitAck(c, "signal:candidate", { callId: call.id, candidate: { candidate: secret, sdpMid: "0", sdpMLineIndex: 0 } }));

  // N connects with N's own valid cookie and B's pid/offset.
  const n: ClientSocket = io(`${h.url}/signaling`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { pid, offset },
    extraHeaders: { cookie: await h.cookieFor(nat) },
  });
  extra.push(n);
  const rawFrames: string[] = [];
  n.io.on("open", () => n.io.engine.on("message", (data: unknown) => rawFrames.push(String(data))));
  const heard: string[] = [];
  n.onAny((event: string) => heard.push(event));
  const error = await new Promise<string>((resolve, reject) => {
    n.once("connect", () => reject(new Error("the stranger connected")));
    n.once("connect_error", (err) => resolve(err.message));
  });
  assert.equal(error, "unauthorized");
  assert.equal(n.connected, false);
  assert.deepEqual(heard, [], "no event reached the stranger");
  assert.equal(rawFrames.filter((f) => f.includes("192.0.2.99")).length, 0, "B's missed candidate was never written to the stranger's connection");
  // No socket of N holds B's call room; C's relays reach nobody but B's sockets.
  const room = h.signaling.nsp.adapter.rooms.get(`call:${call.id}`);
  for (const id of room ?? []) assert.notEqual(h.signaling.nsp.sockets.get(id)?.data.userId, nat.id);
  // N, connected normally, cannot relay into the call.
  const n2 = await h.connect(nat);
  expectError(await emitAck(n2, "signal:candidate", { callId: call.id, candidate: null }), "not_in_call");
  expectOk(await emitAck(c, "call:hangup", { callId: call.id }));
}

describe("connection-state recovery with the Redis streams adapter (several nodes)", () => {
  let server: TestRedis;
  let redis: RedisClient;
  let h: Harness;
  const extra: ClientSocket[] = [];
  before(async () => {
    server = await startRedis();
    redis = await connectRedis(server.url);
    h = await startHarness({ graceMs: 2_000, adapterRedis: redis });
  });
  after(async () => {
    for (const s of extra) s.disconnect();
    await h.close();
    await redis.quit();
    await server.stop();
  });

  test("a blip mid-call: the socket comes back recovered, in its call room, with the candidate it missed", () => blipRecovers(h, extra));

  test("another user's pid and offset: the handshake is refused, nothing of the old socket reaches the stranger, and C hears nothing from them", () => takeoverIsRefused(h, extra));
});
