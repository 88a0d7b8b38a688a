// Handshake authentication: only a valid next-auth session of an existing user
// gets a /signaling socket; everything else is refused with "unauthorized".
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { encode } from "next-auth/jwt";
import { SessionChecker } from "../../server/auth/sessions";
import { pgReaderOf } from "../../server/db/pg-reader";
import { sqliteReaderOf } from "../../server/db/sqlite-reader";
import { deleteAccount } from "../../server/account/service";
import { io } from "socket.io-client";
import { createLimits } from "../../server/rate-limits";
import { emitAck, expectOk, sleep, startHarness, until, type Harness } from "./harness";

describe("signaling handshake auth", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test("a valid session cookie of an existing user connects", async () => {
    const alice = await h.createUser("Alice");
    const socket = await h.connect(alice);
    assert.equal(socket.connected, true);
    const res = expectOk(await emitAck(socket, "session:sync", {}));
    assert.deepEqual(res, { ok: true, incoming: [], outgoing: null, active: null });
  });

  test("no cookie → connect_error unauthorized", async () => {
    assert.equal(await h.connectError(undefined), "unauthorized");
  });

  test("a cookie header without the session cookie → unauthorized", async () => {
    assert.equal(await h.connectError("theme=dark; other=1"), "unauthorized");
  });

  test("garbage and forged session cookies → unauthorized", async () => {
    assert.equal(await h.connectError("next-auth.session-token=garbage"), "unauthorized");
    assert.equal(await h.connectError("next-auth.session-token=eyJhbGciOiJkaXIifQ.a.b.c.d"), "unauthorized");
    // A well-formed token for a real user, but signed with another secret.
    const bob = await h.createUser("Bob");
    const forged = await encode({ token: { sub: bob.id, name: bob.name }, secret: randomBytes(32).toString("base64url") });
    assert.equal(await h.connectError(`next-auth.session-token=${forged}`), "unauthorized");
    // The real token under the https-only cookie name is not read on http.
    const real = await h.cookieFor(bob);
    assert.equal(await h.connectError(real.replace("next-auth.", "__Secure-next-auth.")), "unauthorized");
  });

  test("an expired session JWT → unauthorized", async () => {
    const gina = await h.createUser("Gina");
    const token = await encode({ token: { sub: gina.id, name: gina.name }, secret: h.secret, maxAge: -60 });
    assert.equal(await h.connectError(`next-auth.session-token=${token}`), "unauthorized");
  });

  test("session checks that arrive together (a burst of handshakes) are one query; each gets its own session, a missing one null; then the cache answers", async () => {
    const users = await Promise.all(Array.from({ length: 12 }, (_, i) => h.createUser(`Burst${i}`)));
    const signedIn = await Promise.all(users.map((u) => h.signIn(u)));
    const checker = new SessionChecker();
    const queries = () => checker.stats.queries;
    const check = (i: number) => checker.check(h.db, users[i]!.id, signedIn[i]!.sid);
    const found = await Promise.all([...users.map((_, i) => check(i)), checker.check(h.db, users[0]!.id, "no-such-session-0000"), check(0)]);
    assert.equal(queries(), 1);
    for (const [i, u] of users.entries()) assert.equal(found[i]?.name, u.name);
    assert.equal(found[12], null);
    assert.equal(found[13]?.name, users[0]!.name, "the same session asked twice");
    // Another user's session id is not theirs (answered from the cache: it is Burst0's).
    assert.equal(await checker.check(h.db, users[1]!.id, signedIn[0]!.sid), null);
    // Asked again: answered from the cache, no query.
    assert.equal((await check(5))?.name, users[5]!.name);
    assert.equal(queries(), 1);
    // Revoked: refused at once, without asking the database.
    checker.revoke([signedIn[5]!.sid]);
    assert.equal(await check(5), null);
    assert.equal(queries(), 1);
    // The same read through Prisma (a transaction client has no reader of its own) agrees.
    await h.db.$transaction(async (tx) => {
      const viaPrisma = new SessionChecker();
      assert.equal((await viaPrisma.check(tx as unknown as typeof h.db, users[3]!.id, signedIn[3]!.sid))?.name, users[3]!.name);
      assert.equal(await viaPrisma.check(tx as unknown as typeof h.db, users[3]!.id, signedIn[4]!.sid), null);
    });
  });

  test("a database failure during the handshake → connect_error internal, and the server keeps going", async () => {
    const hank = await h.createUser("Hank");
    const cookie = await h.cookieFor(hank);
    // The handshake reads sessions through the shared client's own reader (server/auth/sessions.ts).
    const reader = (sqliteReaderOf(h.db) ?? pgReaderOf(h.db)) as unknown as { rows: unknown };
    const rows = reader.rows;
    const logged: unknown[] = [];
    const consoleError = console.error;
    reader.rows = () => {
      throw new Error("SQLITE_BUSY: database is locked");
    };
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      assert.equal(await h.connectError(cookie), "internal");
    } finally {
      reader.rows = rows;
      console.error = consoleError;
    }
    assert.equal(logged.length, 1, "the failure is logged once");
    const socket = await h.connect({ cookie });
    expectOk(await emitAck(socket, "session:sync", {}));
  });

  test("a valid JWT without a subject → unauthorized", async () => {
    const token = await encode({ token: { name: "Nobody" }, secret: h.secret });
    assert.equal(await h.connectError(`next-auth.session-token=${token}`), "unauthorized");
  });

  test("a valid JWT for a nonexistent user → unauthorized", async () => {
    const cookie = await h.cookieFor({ id: "cl_no_such_user", name: "Ghost" });
    assert.equal(await h.connectError(cookie), "unauthorized");
  });

  test("a valid JWT for a deleted user → unauthorized", async () => {
    const carol = await h.createUser("Carol");
    const cookie = await h.cookieFor(carol);
    // Proves the cookie itself is good before the account goes away.
    const ok = await h.connect({ cookie });
    ok.disconnect();
    await deleteAccount(h.db, carol.id, { password: carol.password });
    assert.equal(await h.connectError(cookie), "unauthorized");
  });

  test("a JWT without a session id (issued before sessions were server-known) or naming a session that does not exist → unauthorized", async () => {
    const old = await h.createUser("Olga");
    const legacy = await encode({ token: { sub: old.id, name: old.name }, secret: h.secret });
    assert.equal(await h.connectError(`next-auth.session-token=${legacy}`), "unauthorized");
    const made = await encode({ token: { sub: old.id, name: old.name, sid: "made-up-session-id-000" }, secret: h.secret });
    assert.equal(await h.connectError(`next-auth.session-token=${made}`), "unauthorized");
    // Another user's live session, under this user's name: not theirs.
    const other = await h.signIn(await h.createUser("Otto"));
    const borrowed = await encode({ token: { sub: old.id, name: old.name, sid: other.sid }, secret: h.secret });
    assert.equal(await h.connectError(`next-auth.session-token=${borrowed}`), "unauthorized");
  });

  test("an oversize cookie header never connects", async () => {
    const dave = await h.createUser("Dave");
    const cookie = `${await h.cookieFor(dave)}; pad=${"x".repeat(17_000)}`;
    // Node's own 16 KiB header limit refuses the upgrade before our 16 KiB cookie check can.
    assert.match(await h.connectError(cookie), /^(unauthorized|websocket error)$/);
  });

  test("the default namespace refuses everyone, even signed-in users", async () => {
    const erin = await h.createUser("Erin");
    assert.equal(await h.connectError(await h.cookieFor(erin), "/"), "unauthorized");
  });

  test("the socket's identity comes from the session, not from the payload", async () => {
    const frank = await h.createUser("Frank");
    const socket = await h.connect(frank);
    const server = (await h.signaling.nsp.fetchSockets()).find((s) => s.id === socket.id);
    assert.ok(server, "server-side socket not found");
    const { userId, name, ip } = server.data;
    assert.deepEqual({ userId, name, ip }, { userId: frank.id, name: frank.name, ip: "127.0.0.1" });
  });
});

describe("signaling sockets per user", () => {
  const CAP = 3;
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: createLimits({ socketsPerUser: CAP }) });
  });
  after(() => h.close());

  test(`a user holds at most ${CAP} sockets on a node: the next handshake is refused rate_limited; closing one frees a place; other users are not affected`, async () => {
    const [greedy, other] = [await h.createUser("Greedy"), await h.createUser("Other")];
    const cookie = await h.cookieFor(greedy);
    const open = [];
    for (let i = 0; i < CAP; i++) open.push(await h.connect({ cookie }));
    assert.equal(await h.connectError(cookie), "rate_limited");
    assert.equal((await h.connect(other)).connected, true, "another user still connects");
    open[0]!.disconnect();
    await until(async () => (h.signaling.nsp.adapter.rooms.get(`user:${greedy.id}`)?.size ?? 0) < CAP, "the closed socket to leave");
    assert.equal((await h.connect({ cookie })).connected, true, "a place freed by a closed socket is usable");
  });

  test("handshakes that arrive together cannot push a user past the cap", async () => {
    const eager = await h.createUser("Eager");
    const cookie = await h.cookieFor(eager);
    const sockets = Array.from({ length: 10 * CAP }, () =>
      io(`${h.url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } }),
    );
    try {
      await sleep(500);
      assert.ok((h.signaling.nsp.adapter.rooms.get(`user:${eager.id}`)?.size ?? 0) <= CAP, "server-side sockets over the cap");
      assert.ok(sockets.filter((s) => s.connected).length <= CAP, "client sockets connected over the cap");
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });
});

describe("signaling handshakes and sockets per client IP", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: createLimits({ socketsPerIp: 3, handshakesPerIpPerMinute: 6 }), trustProxy: { hops: 1 } });
  });
  after(() => h.close());

  const from = async (ip: string, user: { id: string; name: string }) =>
    io(`${h.url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie: await h.cookieFor(user), "x-forwarded-for": ip } });
  const outcome = (s: ReturnType<typeof io>) =>
    new Promise<string>((resolve) => {
      s.once("connect", () => resolve("connected"));
      s.once("connect_error", (err) => resolve(err.message));
    });

  test("an IP holds at most 3 sockets (any users) and makes at most 6 handshakes a minute; other IPs are not affected", async () => {
    const users = [await h.createUser("Ip1"), await h.createUser("Ip2"), await h.createUser("Ip3"), await h.createUser("Ip4")];
    const held = [];
    for (const u of users.slice(0, 3)) {
      const s = await from("198.51.100.1", u);
      assert.equal(await outcome(s), "connected");
      held.push(s);
    }
    const fourth = await from("198.51.100.1", users[3]!);
    assert.equal(await outcome(fourth), "rate_limited", "a 4th socket from the IP");
    fourth.disconnect();
    const elsewhere = await from("198.51.100.2", users[3]!);
    assert.equal(await outcome(elsewhere), "connected", "another IP (X-Forwarded-For, one trusted hop)");
    elsewhere.disconnect();
    // Handshakes: 4 from 198.51.100.1 so far; closing sockets frees places but not handshakes.
    for (const s of held) s.disconnect();
    await until(() => h.signaling.nsp.sockets.size === 0, "the sockets to close");
    for (let i = 0; i < 2; i++) {
      const s = await from("198.51.100.1", users[0]!);
      assert.equal(await outcome(s), "connected", `handshake ${5 + i}`);
      s.disconnect();
    }
    const seventh = await from("198.51.100.1", users[0]!);
    assert.equal(await outcome(seventh), "rate_limited", "the 7th handshake in a minute");
    seventh.disconnect();
  });
});
