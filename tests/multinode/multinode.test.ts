// Several real Dialtone nodes (server/index.ts processes) behind no load
// balancer: one PostgreSQL (a throwaway cluster), one redis-server, the
// sockets of one call spread over the nodes. The full lifecycle across nodes, then nodes crashing
// (SIGKILL) during a ringing and during an active call.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { encode } from "next-auth/jwt";
import { io } from "socket.io-client";
import { signUp } from "../../server/auth/accounts";
import { createSession } from "../../server/auth/sessions";
import { actOnContact, requestContact } from "../../server/contacts/service";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { listHistory } from "../../server/history/service";
import { RedisCallStore } from "../../server/calls/redis-store";
import type { InviteRequest } from "../../server/calls/store";
import { createLimits } from "../../server/rate-limits";
import { connectRedis, type RedisClient } from "../../server/redis";
import { emitAck, expectError, expectOk, sleep, waitFor, type ClientSocket } from "../integration/harness";
import { createTestDatabase, findPostgresBinDir, POSTGRES_INSTALL_HINT, startPostgres, type TestPostgres } from "../support/postgres";
import { startRedis, type TestRedis } from "../support/redis";
import { startNode, type DialtoneNode } from "./cluster";

type User = { id: string; name: string; cookie: string; sid: string };

const RING_SECONDS = 2;
const GRACE_SECONDS = 1;

describe("several nodes over Redis", () => {
  let redis: TestRedis;
  let postgres: TestPostgres | undefined;
  let dir: string;
  let db: Db;
  let dbUrl: string;
  const secret = randomBytes(32).toString("base64url");
  const nodes: DialtoneNode[] = [];
  const sockets: ClientSocket[] = [];
  let A: DialtoneNode;
  let B: DialtoneNode;

  const nodeEnv = () => ({
    DATABASE_URL: dbUrl,
    AUTH_SECRET: secret,
    REDIS_URL: redis.url,
    RING_TIMEOUT_SECONDS: String(RING_SECONDS),
    CALL_GRACE_SECONDS: String(GRACE_SECONDS),
    CALL_SWEEP_SECONDS: "0.5",
    SIGNUPS_PER_IP_PER_HOUR: "1000",
  });
  const launch = async (name: string, extra: Record<string, string> = {}) => {
    const n = await startNode(name, { ...nodeEnv(), ...extra });
    nodes.push(n);
    return n;
  };

  before(async () => {
    redis = await startRedis();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-multinode-"));
    if (findPostgresBinDir()) {
      postgres = await startPostgres();
      dbUrl = (await createTestDatabase(postgres.url)).url;
    } else {
      // The production topology is PostgreSQL; without its binaries the nodes share a SQLite file.
      console.log(`[multinode] PostgreSQL binaries not found (${POSTGRES_INSTALL_HINT}): nodes share a SQLite file instead`);
      dbUrl = `file:${path.join(dir, "cluster.db")}`;
    }
    await migrate(dbUrl);
    db = createDb(dbUrl);
    [A, B] = await Promise.all([launch("node-a"), launch("node-b")]);
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    await db.$disconnect();
    await redis.stop();
    postgres?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  let counter = 0;
  async function user(name: string): Promise<User> {
    const u = await signUp(db, { name, email: `${name.toLowerCase()}-${++counter}-${Date.now()}@multinode.test`, password: "password-123" });
    return { id: u.id, name: u.name, ...(await session(u)) };
  }
  /** Another signed-in browser of this user (a Session row and a token naming it, as next-auth's sign-in makes). */
  async function session(u: { id: string; name: string }): Promise<{ cookie: string; sid: string }> {
    const sid = await createSession(db, u.id, { userAgent: "multinode-test", ip: "127.0.0.1" });
    const token = await encode({ token: { sub: u.id, name: u.name, sid }, secret });
    return { sid, cookie: `next-auth.session-token=${token}` };
  }
  async function contacts(a: User, b: User) {
    const bEmail = (await db.user.findUniqueOrThrow({ where: { id: b.id } })).email;
    await requestContact(db, a.id, { email: bEmail });
    await actOnContact(db, b.id, a.id, { action: "accept" });
  }
  async function connect(u: User, node: DialtoneNode): Promise<ClientSocket> {
    const s = io(`${node.url}/signaling`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: u.cookie },
    }) as unknown as ClientSocket;
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("connect_error", (err: Error) => reject(err));
    });
    return s;
  }
  /** Records every event of these names a socket receives. */
  function record(s: ClientSocket, ...events: string[]) {
    const seen: { event: string; payload: unknown }[] = [];
    for (const e of events) (s as unknown as { on: (e: string, f: (p: unknown) => void) => void }).on(e, (p) => seen.push({ event: e, payload: p }));
    return seen;
  }

  test("one call over two nodes: every tab rings, answered elsewhere, SDP/ICE relayed across, hang-up ends it for both", async () => {
    const alice = await user("Alice");
    const bob = await user("Bob");
    await contacts(alice, bob);
    const a = await connect(alice, A);
    const bobOnA = await connect(bob, A);
    const bobOnB = await connect(bob, B);
    const bobOnASeen = record(bobOnA, "signal:description", "signal:candidate");

    const ringA = waitFor(bobOnA, "call:incoming");
    const ringB = waitFor(bobOnB, "call:incoming");
    const t0 = performance.now();
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
    const [inA, inB] = await Promise.all([ringA, ringB]);
    console.log(`[metric] invite → incoming on the other node: ${(performance.now() - t0).toFixed(1)} ms (includes the ack round trip)`);
    assert.equal(inA.call.id, call.id);
    assert.equal(inB.call.id, call.id);

    const stopped = waitFor(bobOnA, "call:answered-elsewhere");
    const accepted = waitFor(a, "call:accepted");
    expectOk(await emitAck(bobOnB, "call:accept", { callId: call.id }));
    assert.equal((await stopped).callId, call.id);
    assert.equal((await accepted).call.id, call.id);

    const offer = waitFor(bobOnB, "signal:description");
    expectOk(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: "v=0 offer" } }));
    assert.equal((await offer).description.sdp, "v=0 offer");
    const answer = waitFor(a, "signal:description");
    const cand = waitFor(a, "signal:candidate");
    expectOk(await emitAck(bobOnB, "signal:description", { callId: call.id, description: { type: "answer", sdp: "v=0 answer" } }));
    expectOk(await emitAck(bobOnB, "signal:candidate", { callId: call.id, candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } }));
    assert.equal((await answer).description.type, "answer");
    assert.equal((await cand).candidate?.sdpMid, "0");
    // The tab that did not answer can neither send nor receive this call's signaling.
    expectError(await emitAck(bobOnA, "signal:description", { callId: call.id, description: { type: "offer", sdp: "x" } }), "not_in_call");
    await sleep(200);
    assert.equal(bobOnASeen.length, 0, "the other tab received SDP/ICE");

    const endedA = waitFor(a, "call:ended");
    const endedB = waitFor(bobOnB, "call:ended");
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
    assert.equal((await endedA).call.outcome, "completed");
    assert.equal((await endedB).call.outcome, "completed");
  });

  test("decline, cancel, timeout and busy across nodes, each recorded for both sides", async () => {
    const alice = await user("Alice");
    const bob = await user("Bob");
    const carol = await user("Carol");
    await contacts(alice, bob);
    await contacts(carol, bob);
    const a = await connect(alice, A);
    const b = await connect(bob, B);
    const c = await connect(carol, B);

    // decline: callee on B, caller on A
    let ring = waitFor(b, "call:incoming");
    const declined = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "audio" })).call;
    await ring;
    let ended = waitFor(a, "call:ended");
    expectOk(await emitAck(b, "call:decline", { callId: declined.id }));
    assert.equal((await ended).call.outcome, "declined");

    // cancel: the caller's node (A) ends it; the callee on B stops ringing
    ring = waitFor(b, "call:incoming");
    const cancelled = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    await ring;
    ended = waitFor(b, "call:ended");
    expectOk(await emitAck(a, "call:cancel", { callId: cancelled.id }));
    assert.equal((await ended).call.outcome, "cancelled");

    // timeout: nobody answers
    ring = waitFor(b, "call:incoming");
    const missed = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    await ring;
    const endedCaller = waitFor(a, "call:ended", (p) => p.call.id === missed.id, 8000);
    const endedCallee = waitFor(b, "call:ended", (p) => p.call.id === missed.id, 8000);
    assert.equal((await endedCaller).reason, "ring_timeout");
    assert.equal((await endedCallee).call.outcome, "missed");

    // busy: Bob (on B) talks to Alice (on A); Carol (on B) rings Bob
    ring = waitFor(b, "call:incoming");
    const active = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    await ring;
    expectOk(await emitAck(b, "call:accept", { callId: active.id }));
    const busy = expectOk(await emitAck(c, "call:invite", { calleeId: bob.id, kind: "video" })).call;
    assert.equal(busy.outcome, "busy");
    expectOk(await emitAck(b, "call:hangup", { callId: active.id }));

    const labels = async (u: User) => Object.fromEntries((await listHistory(db, u.id)).entries.map((e) => [e.id, e.label]));
    const aliceSees = await labels(alice);
    const bobSees = await labels(bob);
    assert.deepEqual(
      [aliceSees[declined.id], aliceSees[cancelled.id], aliceSees[missed.id], aliceSees[active.id]],
      ["Declined", "Cancelled", "No answer", "Completed"],
    );
    assert.deepEqual(
      [bobSees[declined.id], bobSees[cancelled.id], bobSees[missed.id], bobSees[active.id], bobSees[busy.id]],
      ["Declined", "Missed", "Missed", "Completed", "Missed"],
    );
    assert.equal((await labels(carol))[busy.id], "Busy");
  });

  test("presence and the accept race span nodes: exactly one device wins, 10 rounds", async () => {
    const alice = await user("Alice");
    const bob = await user("Bob");
    await contacts(alice, bob);
    const a = await connect(alice, A);
    assert.equal(expectOk(await emitAck(a, "presence:list", {})).presence[bob.id], "offline");
    const update = waitFor(a, "presence:update", (p) => p.userId === bob.id && p.presence === "online");
    const bobOnA = await connect(bob, A);
    const bobOnB = await connect(bob, B);
    await update;
    let wins = 0;
    for (let round = 0; round < 10; round++) {
      const ringA = waitFor(bobOnA, "call:incoming");
      const ringB = waitFor(bobOnB, "call:incoming");
      const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
      await Promise.all([ringA, ringB]);
      const results = await Promise.all([
        emitAck(bobOnA, "call:accept", { callId: call.id }),
        emitAck(bobOnB, "call:accept", { callId: call.id }),
      ]);
      const ok = results.filter((r) => r.ok).length;
      assert.equal(ok, 1, `round ${round}: ${ok} winners`);
      wins += ok;
      const loser = results.find((r) => !r.ok);
      assert.equal(loser && !loser.ok ? loser.code : "", "answered_elsewhere");
      if (round === 0) assert.equal(expectOk(await emitAck(a, "presence:list", {})).presence[bob.id], "in-call");
      expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
    }
    assert.equal(wins, 10);
    assert.equal(await db.call.count({ where: { callerId: alice.id, status: { not: "ended" } } }), 0);
  });

  test("a block made through one node's API stops ringing on the other node at once (the contact cache is dropped on every node)", async () => {
    const alice = await user("Alice");
    const bob = await user("Bob");
    await contacts(alice, bob);
    const a = await connect(alice, A);
    await connect(bob, B);
    // Both nodes have answered for these two (A the invite, B presence).
    const placed = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "audio" })).call;
    expectOk(await emitAck(a, "call:cancel", { callId: placed.id }));
    const res = await fetch(`${B.url}/api/contacts/${alice.id}`, {
      method: "POST",
      headers: { cookie: bob.cookie, "content-type": "application/json", origin: B.url },
      body: JSON.stringify({ action: "block" }),
    });
    assert.equal(res.status, 200, await res.text());
    // Node A hears of it over Redis within moments; until then an invite may still ring.
    const started = Date.now();
    for (;;) {
      const r = await emitAck(a, "call:invite", { calleeId: bob.id, kind: "audio" });
      if (!r.ok) {
        assert.equal(r.code, "not_contact");
        break;
      }
      expectOk(await emitAck(a, "call:cancel", { callId: r.call.id }));
      assert.ok(Date.now() - started < 1_000, "node A still lets Alice ring Bob 1 s after the block");
      await sleep(20);
    }
  });

  test("a session signed out through one node's account API: its sockets on the other node are told and closed within 5 s, and that node refuses it from then on", async () => {
    const ann = await user("Ann");
    const laptop = await session(ann);
    const onB = [await connect({ ...ann, cookie: laptop.cookie }, B), await connect({ ...ann, cookie: laptop.cookie }, B)];
    const keeps = await connect(ann, B);
    const told = onB.map((s) => waitFor(s, "session:ended"));
    const closed = onB.map((s) => new Promise<number>((resolve) => s.once("disconnect", () => resolve(performance.now()))));
    const t0 = performance.now();
    const res = await fetch(`${A.url}/api/account/sessions/${laptop.sid}`, { method: "DELETE", headers: { cookie: ann.cookie, origin: A.url } });
    assert.equal(res.status, 200, await res.text());
    await Promise.all(told);
    const ms = Math.max(...(await Promise.all(closed))) - t0;
    console.log(`[metric] DELETE on node A → the session's sockets on node B closed: ${ms.toFixed(0)} ms`);
    assert.ok(ms < 5_000, `${ms} ms`);
    // Node B had that session cached from the handshakes: it forgot it with the message.
    const refused = io(`${B.url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie: laptop.cookie } });
    sockets.push(refused as unknown as ClientSocket);
    assert.equal(await new Promise<string>((resolve) => refused.once("connect_error", (err) => resolve(err.message))), "unauthorized");
    assert.equal((await fetch(`${B.url}/api/contacts`, { headers: { cookie: laptop.cookie } })).status, 401);
    // Ann's other session, on the same node, is untouched.
    expectOk(await emitAck(keeps, "session:sync", {}));
    assert.equal((await fetch(`${B.url}/api/contacts`, { headers: { cookie: ann.cookie } })).status, 200);
  });

  test("a new display name through node A: node B's next ring and its cached session (the header's name) carry it at once", async () => {
    const fay = await user("Fay");
    const gus = await user("Gus");
    await contacts(fay, gus);
    const f = await connect(fay, B);
    const g = await connect(gus, B);
    // Node B has both caches warm: the session (handshake, next-auth's session) and the contact directory (a ring).
    const sessionName = async () => ((await (await fetch(`${B.url}/api/auth/session`, { headers: { cookie: fay.cookie } })).json()) as { user?: { name?: string } }).user?.name;
    assert.equal(await sessionName(), "Fay");
    const placed = expectOk(await emitAck(f, "call:invite", { calleeId: gus.id, kind: "audio" })).call;
    assert.equal(placed.caller.name, "Fay");
    expectOk(await emitAck(f, "call:cancel", { callId: placed.id }));

    const res = await fetch(`${A.url}/api/account/name`, {
      method: "POST",
      headers: { cookie: fay.cookie, "content-type": "application/json", origin: A.url },
      body: JSON.stringify({ name: "Fay Lin" }),
    });
    assert.equal(res.status, 200, await res.text());
    // Node B hears of it over Redis within moments.
    const started = Date.now();
    for (;;) {
      const incoming = waitFor(g, "call:incoming");
      const r = expectOk(await emitAck(f, "call:invite", { calleeId: gus.id, kind: "audio" }));
      const name = (await incoming).call.caller.name;
      expectOk(await emitAck(f, "call:cancel", { callId: r.call.id }));
      const header = await sessionName();
      if (name === "Fay Lin" && header === "Fay Lin") break;
      assert.ok(Date.now() - started < 1_000, `1 s after the rename node B's ring says "${name}" and its session "${header}"`);
      await sleep(20);
    }
  });

  /** RedisCallStores on these clients under a fresh key prefix (as if each were a node), loaded. */
  async function redisStores(clients: RedisClient[]): Promise<{ stores: RedisCallStore[]; prefix: string }> {
    const prefix = `test:${randomBytes(4).toString("hex")}:`;
    const stores = clients.map((c) => new RedisCallStore(db, c, prefix));
    await Promise.all(stores.map((s) => s.ready));
    return { stores, prefix };
  }
  /** One invite decided by a store directly (no sockets). */
  function invite(store: RedisCallStore, caller: User, callee: User, extra: Partial<InviteRequest> = {}) {
    const ref = (u: User) => ({ id: u.id, name: u.name });
    return store.invite({ id: randomUUID(), callerId: caller.id, calleeId: callee.id, kind: "video", caller: ref(caller), callee: ref(callee), now: new Date(), ringTimeoutMs: 30_000, ...extra });
  }

  test("RedisCallStore: decisions made through two nodes' Redis clients at the same moment never conflict", async () => {
    const clients = [await connectRedis(redis.url), await connectRedis(redis.url)];
    try {
      const { stores, prefix } = await redisStores(clients);
      const callee = await user("Callee");
      const callers = await Promise.all(Array.from({ length: 8 }, (_, i) => user(`Caller${i}`)));
      // Eight callers ring one callee at once, half through each node: one rings, seven find them busy.
      const decisions = await Promise.all(callers.map((c, i) => invite(stores[i % 2]!, c, callee)));
      const rang = decisions.flatMap((d) => (d.kind === "rang" ? [d] : []));
      assert.equal(rang.length, 1, JSON.stringify(decisions.map((d) => d.kind)));
      assert.equal(decisions.filter((d) => d.kind === "callee_busy").length, 7);
      const ring = rang[0]!;
      await ring.persisted;
      assert.equal((await db.call.findUniqueOrThrow({ where: { id: ring.call.id } })).status, "ringing");
      // The callee's two devices accept at once, one through each node: exactly one wins.
      const accepts = await Promise.all(stores.map((s) => s.accept(ring.call.id, callee.id, new Date())));
      const won = accepts.flatMap((a) => (a.kind === "accepted" ? [a] : []));
      assert.equal(won.length, 1);
      assert.deepEqual(
        accepts.filter((a) => a.kind === "refused").map((a) => (a.kind === "refused" ? a.code : "")),
        ["answered_elsewhere"],
      );
      await won[0]!.persisted;
      assert.equal((await db.call.findUniqueOrThrow({ where: { id: ring.call.id } })).status, "active");
      // Hang-up and a late second hang-up from the other node: one end, written once.
      const ends = await Promise.all(
        stores.map((s) => s.transition(ring.call.id, "active", { status: "ended", outcome: "completed", endReason: "hangup", endedAt: new Date() })),
      );
      assert.deepEqual(ends.map((e) => e.won).sort(), [false, true]);
      await Promise.all(ends.map((e) => e.persisted));
      const row = await db.call.findUniqueOrThrow({ where: { id: ring.call.id } });
      assert.equal(row.status, "ended");
      assert.equal(row.outcome, "completed");
      assert.equal(await clients[0]!.sCard(`${prefix}live:${callee.id}`), 0, "no live call left for the callee");
    } finally {
      for (const c of clients) await c.quit();
    }
  });

  test("RedisCallStore: the ring limit is counted in the invite's own step, on rate-limiter-flexible's key", async () => {
    const client = await connectRedis(redis.url);
    try {
      const { stores } = await redisStores([client]);
      const store = stores[0]!;
      const limiter = createLimits({ redis: client, ringsPerMinute: 2 }).ring;
      const [caller, callee] = [await user("Eager"), await user("Patient")];
      const limit = { key: limiter.getKey(caller.id), points: limiter.points, durationMs: limiter.duration * 1000 };
      const limited = () => invite(store, caller, callee, { kind: "audio", limit });
      const first = await limited();
      assert.equal(first.kind, "rang");
      assert.equal((await limited()).kind, "caller_busy", "within the limit, the busy rules answer");
      assert.equal((await limited()).kind, "rate_limited", "the third invite in the minute is refused before anything is decided");
      assert.equal((await limiter.get(caller.id))?.consumedPoints, 3, "rate-limiter-flexible reads the same count");
      assert.ok((await client.pTTL(limit.key)) > 0, "the window expires");
      if (first.kind === "rang") await first.persisted;
    } finally {
      await client.quit();
    }
  });

  test("RedisCallStore: after Redis lost its data, the next sweep loads the live calls back from the database", async () => {
    const client = await connectRedis(redis.url);
    try {
      const { stores, prefix } = await redisStores([client]);
      const store = stores[0]!;
      const [caller, callee] = [await user("Before"), await user("After")];
      const ring = await invite(store, caller, callee);
      assert.equal(ring.kind, "rang");
      if (ring.kind !== "rang") return;
      await ring.persisted;
      const keys = await client.keys(`${prefix}*`);
      await client.del(keys);
      assert.deepEqual(await store.liveOf(callee.id, new Date()), [], "Redis forgot the ring");
      await store.maintain();
      const back = await store.liveOf(callee.id, new Date());
      assert.deepEqual(back.map((c) => [c.id, c.status, c.caller.name, c.callee.name]), [[ring.call.id, "ringing", "Before", "After"]]);
      // It is live again for the busy rules and the transitions.
      const again = await invite(store, caller, callee);
      assert.equal(again.kind, "caller_busy");
      const end = await store.transition(ring.call.id, "ringing", { status: "ended", outcome: "cancelled", endReason: "cancelled", endedAt: new Date() });
      assert.equal(end.won, true);
      await end.persisted;
      // A second load leaves what Redis has (the ended call is not made live again).
      await client.del(`${prefix}loaded`);
      await store.maintain();
      assert.deepEqual(await store.liveOf(callee.id, new Date()), []);
    } finally {
      await client.quit();
    }
  });

  test("a node crashes while a call it placed rings: a surviving node ends it as missed", async () => {
    const C = await launch("node-c");
    const alice = await user("Alice");
    const bob = await user("Bob");
    await contacts(alice, bob);
    const a = await connect(alice, C); // the ring timer lives on C
    const b = await connect(bob, A);
    const ring = waitFor(b, "call:incoming");
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
    await ring;
    const ended = waitFor(b, "call:ended", (p) => p.call.id === call.id, 15_000);
    await C.crash();
    const e = await ended;
    assert.equal(e.call.outcome, "missed");
    const row = await db.call.findUniqueOrThrow({ where: { id: call.id } });
    assert.equal(row.status, "ended");
    assert.equal((await listHistory(db, alice.id)).entries.find((x) => x.id === call.id)?.label, "No answer");
    assert.equal((await listHistory(db, bob.id)).entries.find((x) => x.id === call.id)?.label, "Missed");
  });

  test("a node crashes during an active call: the participant who reconnects to a survivor keeps the call; if nobody comes back it ends as Failed", async () => {
    const D = await launch("node-d");
    const alice = await user("Alice");
    const bob = await user("Bob");
    await contacts(alice, bob);
    const a = await connect(alice, A);
    let b = await connect(bob, D);
    const ring = waitFor(b, "call:incoming");
    const { call } = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "video" }));
    await ring;
    expectOk(await emitAck(b, "call:accept", { callId: call.id }));

    // D dies; Bob's app reconnects to a surviving node and rejoins its call.
    await D.crash();
    b = await connect(bob, B);
    expectOk(await emitAck(b, "call:rejoin", { callId: call.id }));
    const relayed = waitFor(b, "signal:description");
    expectOk(await emitAck(a, "signal:description", { callId: call.id, description: { type: "offer", sdp: "v=0 restart" } }));
    assert.equal((await relayed).description.sdp, "v=0 restart");
    // Well past the adapter's heartbeat timeout + grace + sweeps: still active.
    await sleep(9_000);
    assert.equal((await db.call.findUniqueOrThrow({ where: { id: call.id } })).status, "active");

    // Now Bob's node dies too and he does not come back: the call ends as failed.
    const E = await launch("node-e");
    const alice2 = await user("Alice");
    const bob2 = await user("Bob");
    await contacts(alice2, bob2);
    const a2 = await connect(alice2, A);
    const b2 = await connect(bob2, E);
    const ring2 = waitFor(b2, "call:incoming");
    const second = expectOk(await emitAck(a2, "call:invite", { calleeId: bob2.id, kind: "video" })).call;
    await ring2;
    expectOk(await emitAck(b2, "call:accept", { callId: second.id }));
    const failed = waitFor(a2, "call:ended", (p) => p.call.id === second.id, 20_000);
    await E.crash();
    const f = await failed;
    assert.equal(f.call.outcome, "failed");
    assert.equal(f.reason, "connection_lost");
    assert.equal((await listHistory(db, alice2.id)).entries.find((x) => x.id === second.id)?.label, "Failed");
    assert.equal((await listHistory(db, bob2.id)).entries.find((x) => x.id === second.id)?.label, "Failed");
    expectOk(await emitAck(a, "call:hangup", { callId: call.id }));
  });
  test("SIGTERM mid-ring and mid-call: the node sends its clients away and exits; the ring is answered and the call goes on on another node", async () => {
    // Rings last 20 s here (the placing node sets a ring's time), so the ring outlives the stop comfortably.
    const F = await launch("node-f", { RING_TIMEOUT_SECONDS: "20", SHUTDOWN_GRACE_SECONDS: "5" });
    const [alice, bob, carol, dave] = [await user("Alice"), await user("Bob"), await user("Carol"), await user("Dave")];
    await contacts(alice, bob);
    await contacts(carol, dave);
    // Mid-call: Carol (on F) talks to Dave (on B). Mid-ring: Alice (on F) rings Bob (on B).
    let c = await connect(carol, F);
    const d = await connect(dave, B);
    let ring = waitFor(d, "call:incoming");
    const talk = expectOk(await emitAck(c, "call:invite", { calleeId: dave.id, kind: "video" })).call;
    await ring;
    expectOk(await emitAck(d, "call:accept", { callId: talk.id }));
    let a = await connect(alice, F);
    const b = await connect(bob, B);
    ring = waitFor(b, "call:incoming");
    const ringing = expectOk(await emitAck(a, "call:invite", { calleeId: bob.id, kind: "audio" })).call;
    await ring;

    const sentAway = [a, c].map((s) => new Promise<string>((resolve) => s.once("disconnect", (reason: string) => resolve(reason))));
    const exited = F.terminate();
    // Told to reconnect: the transport closes (a Socket.IO client then reconnects by itself).
    assert.deepEqual(await Promise.all(sentAway), ["transport close", "transport close"]);

    // They land on B (the balancer's pick) and take their calls back.
    a = await connect(alice, B);
    const syncA = expectOk(await emitAck(a, "session:sync", {}));
    assert.equal(syncA.outgoing?.id, ringing.id, "Alice's ring is still ringing");
    expectOk(await emitAck(a, "call:rejoin", { callId: ringing.id }));
    c = await connect(carol, B);
    expectOk(await emitAck(c, "call:rejoin", { callId: talk.id }));

    const accepted = waitFor(a, "call:accepted");
    expectOk(await emitAck(b, "call:accept", { callId: ringing.id }));
    assert.equal((await accepted).call.id, ringing.id, "the ring placed on F was answered on B");
    const relayed = waitFor(d, "signal:candidate");
    expectOk(await emitAck(c, "signal:candidate", { callId: talk.id, candidate: null }));
    await relayed;

    const { code, ms } = await exited;
    console.log(`[metric] SIGTERM → exit of a node holding a ring and a call: ${ms} ms (status ${code})`);
    assert.equal(code, 0, `F exited with ${code}:\n${F.output()}`);
    assert.ok(ms < 5_000, `F took ${ms} ms (SHUTDOWN_GRACE_SECONDS=5)`);
    const events = F.output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { event?: string }).event);
    for (const e of ["server.stopping", "server.drained", "server.flushed", "server.stopped"]) assert.ok(events.includes(e), `F logged ${e}`);
    // The other nodes logged F's arrival and departure.
    assert.match(B.output(), /"event":"node\.joined"/);
    assert.match(B.output(), /"event":"node\.left"/);

    // Both calls are still live well past the grace period, then end as completed.
    await sleep((GRACE_SECONDS + 1) * 1000);
    for (const id of [ringing.id, talk.id]) assert.equal((await db.call.findUniqueOrThrow({ where: { id } })).status, "active");
    await Promise.all([hangupOn(a, ringing.id), hangupOn(d, talk.id)]);
    const label = async (u: User, id: string) => (await listHistory(db, u.id)).entries.find((x) => x.id === id)?.label;
    assert.deepEqual(
      [await label(alice, ringing.id), await label(bob, ringing.id), await label(carol, talk.id), await label(dave, talk.id)],
      ["Completed", "Completed", "Completed", "Completed"],
    );
    assert.equal(await db.call.count({ where: { callerId: { in: [alice.id, carol.id] }, status: { not: "ended" } } }), 0, "no call row left live");
  });

  async function hangupOn(s: ClientSocket, callId: string) {
    const ended = waitFor(s, "call:ended", (p) => p.call.id === callId);
    expectOk(await emitAck(s, "call:hangup", { callId }));
    assert.equal((await ended).call.outcome, "completed");
  }
});
