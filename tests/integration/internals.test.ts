// Contract tests for the library internals Dialtone relies on (docs/internals.md).
// Each speed-up below reaches past a library's public API; the dependency is
// pinned in package.json, and this file fails loudly, naming the internal,
// when an upgrade changes its shape. It drives the real libraries (a real
// redis-server, a real PostgreSQL cluster, real SQLite files, real sockets),
// never a copy of their code.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { createServer, IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Socket as NetSocket } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import Database from "better-sqlite3";
import pg from "pg";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { Server, type Namespace } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { Adapter, MessageType, SessionAwareAdapter } from "socket.io-adapter";
import { PacketType } from "socket.io-parser";
import { createDb, PG_SESSION_OPTIONS } from "../../server/db/client";
import { Prisma } from "../../server/db/generated/sqlite/client";
import { migrate } from "../../server/db/migrate";
import { openPgReader } from "../../server/db/pg-reader";
import { openSqliteWriter } from "../../server/db/sqlite-reader";
import { startCheckpointer } from "../../server/db/sqlite-checkpointer";
import { connectRedis, type RedisClient } from "../../server/redis";
import { clusterAnnouncer } from "../../server/signaling/cluster-broadcast";
import { RecoveryAdapter } from "../../server/signaling/recovery-adapter";
import { holdingRecoveredState } from "../../server/signaling/recovery-guard";
import type { SignalingNamespace } from "../../server/calls/namespace";
import { createTestDatabase, findPostgresBinDir, startPostgres, type TestPostgres } from "../support/postgres";
import { startRedis, type TestRedis } from "../support/redis";

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

type Node = { http: HttpServer; io: Server; nsp: Namespace; url: string; close: () => Promise<void> };

/** A Socket.IO server on 127.0.0.1:0 with `/signaling`, websocket only, recovery on (as server/signaling/index.ts runs it). */
async function startNode(adapter: Parameters<Server["adapter"]>[0], maxDisconnectionDuration = 2_000): Promise<Node> {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"], serveClient: false, connectionStateRecovery: { maxDisconnectionDuration, skipMiddlewares: false } });
  io.adapter(adapter);
  const nsp = io.of("/signaling");
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/signaling`;
  return {
    http,
    io,
    nsp,
    url,
    close: () => new Promise<void>((r) => io.close(() => r())),
  };
}

async function client(url: string): Promise<ClientSocket> {
  const s = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    s.once("connect", resolve);
    s.once("connect_error", reject);
  });
  return s;
}

describe("library internals (docs/internals.md)", () => {
  let redis: TestRedis;
  const clients: RedisClient[] = [];
  const sockets: ClientSocket[] = [];
  const nodes: Node[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    for (const n of nodes) await n.close();
    for (const c of clients) await c.quit().catch(() => undefined);
    await redis.stop();
  });
  const redisClient = async () => {
    const c = await connectRedis(redis.url);
    clients.push(c);
    return c;
  };

  describe("socket.io-adapter + @socket.io/redis-streams-adapter: the stream entry cluster-broadcast.ts forges", () => {
    const STREAM = "contract:socket.io";
    const streamAdapter = (c: RedisClient) => createAdapter(c, { streamName: STREAM, maxLen: 1_000, onlyPlaintext: true });

    test("the constants it copies still have their values", () => {
      assert.equal(MessageType.BROADCAST, 3, "socket.io-adapter MessageType.BROADCAST changed");
      assert.equal(PacketType.EVENT, 2, "socket.io-parser PacketType.EVENT changed");
    });

    test("the cluster adapter still has the uid and addOffsetIfNecessary it reads", async () => {
      const a = await startNode(streamAdapter(await redisClient()));
      nodes.push(a);
      const internals = a.nsp.adapter as unknown as { uid?: unknown; addOffsetIfNecessary?: unknown };
      assert.equal(typeof internals.uid, "string", "ClusterAdapter#uid is gone or not a string");
      assert.equal(typeof internals.addOffsetIfNecessary, "function", "ClusterAdapter#addOffsetIfNecessary is gone");
      // Without them the announcer silently falls back to the two-round-trip path (P5 lost): it must be built.
      assert.ok(clusterAnnouncer(a.nsp as unknown as SignalingNamespace, STREAM, 1_000), "clusterAnnouncer returned undefined on the real adapter");
    });

    test("its entry equals what the adapter itself appends for nsp.to(rooms).emit", async () => {
      const a = await startNode(streamAdapter(await redisClient()));
      nodes.push(a);
      const r = await redisClient();
      const payload = { callId: "c1", from: { id: "u1", name: "Ann" }, kind: "video" };
      a.nsp.to(["user:u2", "user:u3"]).emit("call:incoming", payload);
      let real: Record<string, string> | undefined;
      await until(async () => {
        const [last] = await r.xRevRange(STREAM, "+", "-", { COUNT: 1 });
        if (last && last.message.uid === (a.nsp.adapter as unknown as { uid: string }).uid) real = last.message as Record<string, string>;
        return Boolean(real);
      }, "the adapter's own stream entry");
      const forged = clusterAnnouncer(a.nsp as unknown as SignalingNamespace, STREAM, 1_000)!(["user:u2", "user:u3"], "call:incoming", payload);
      const fields: Record<string, string> = {};
      for (let i = 0; i < forged.fields.length; i += 2) fields[forged.fields[i]!] = forged.fields[i + 1]!;
      assert.deepEqual(Object.keys(fields).sort(), Object.keys(real!).sort(), "the stream entry's field names changed");
      assert.equal(fields.uid, real!.uid);
      assert.equal(fields.nsp, real!.nsp);
      assert.equal(fields.type, real!.type, "the entry's type field changed");
      const realData = JSON.parse(real!.data!) as { packet: { nsp?: string } };
      // The adapter also writes packet.nsp; the receiving Adapter#broadcast sets it itself.
      delete realData.packet.nsp;
      assert.deepEqual(JSON.parse(fields.data!), realData, "the BROADCAST message's data shape changed");
    });

    test("another node delivers a forged entry to its sockets; deliverLocally delivers on this one with the offset", async () => {
      const a = await startNode(streamAdapter(await redisClient()));
      const b = await startNode(streamAdapter(await redisClient()));
      nodes.push(a, b);
      const onA = await client(a.url);
      const onB = await client(b.url);
      sockets.push(onA, onB);
      await until(() => a.nsp.sockets.size === 1 && b.nsp.sockets.size === 1, "both sockets");
      for (const s of [...a.nsp.sockets.values(), ...b.nsp.sockets.values()]) s.join("user:u9");
      const got: { a: unknown[][]; b: unknown[][] } = { a: [], b: [] };
      onA.on("call:incoming", (...args: unknown[]) => got.a.push(args));
      onB.on("call:incoming", (...args: unknown[]) => got.b.push(args));
      const payload = { callId: "c2" };
      const entry = clusterAnnouncer(a.nsp as unknown as SignalingNamespace, STREAM, 1_000)!(["user:u9"], "call:incoming", payload);
      const r = await redisClient();
      // What the INVITE script does: XADD the fields as given.
      const fields: Record<string, string> = {};
      for (let i = 0; i < entry.fields.length; i += 2) fields[entry.fields[i]!] = entry.fields[i + 1]!;
      const offset = await r.xAdd(STREAM, "*", fields);
      await until(() => got.b.length === 1, "node B to deliver the forged entry");
      assert.deepEqual(got.b[0]![0], payload);
      // Node A skips its own entry in the stream, and delivers it itself:
      entry.deliverLocally(offset);
      await until(() => got.a.length === 1, "deliverLocally");
      assert.deepEqual(got.a[0]![0], payload);
      // With recovery on, the offset rides along (the client keeps it for its next reconnection).
      assert.equal((onA as unknown as { _lastOffset?: string })._lastOffset, offset, "addOffsetIfNecessary no longer appends the entry id");
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(got.a.length, 1, "node A delivered its own stream entry a second time (uid check changed)");
    });
  });

  describe("socket.io-adapter SessionAwareAdapter: the fields RecoveryAdapter prunes, the session recovery-guard.ts holds", () => {
    test("packets is the log, oldest first, with emittedAt; maxDisconnectionDuration is the window", async () => {
      const n = await startNode(RecoveryAdapter, 1_500);
      nodes.push(n);
      const self = n.nsp.adapter as unknown as { packets?: unknown; maxDisconnectionDuration?: unknown };
      assert.ok(n.nsp.adapter instanceof SessionAwareAdapter);
      assert.ok(Array.isArray(self.packets), "SessionAwareAdapter#packets is gone or not an array");
      assert.equal(self.maxDisconnectionDuration, 1_500, "SessionAwareAdapter#maxDisconnectionDuration is gone");
      n.nsp.to("room").emit("call:ended", { n: 1 });
      n.nsp.to("room").emit("presence:update", { n: 2 });
      n.nsp.to("room").emit("call:ended", { n: 3 });
      const packets = self.packets as { id: unknown; emittedAt: unknown; data: unknown[] }[];
      assert.equal(packets.length, 2, "presence:update is delivered without being logged; the others are logged");
      assert.ok(packets.every((p) => typeof p.emittedAt === "number" && typeof p.id === "string"), "a logged packet has no numeric emittedAt");
      assert.ok((packets[0]!.emittedAt as number) <= (packets[1]!.emittedAt as number), "the log is not oldest first");
      // The pruner (every second) drops what is older than the window.
      packets[0]!.emittedAt = Date.now() - 60_000;
      await until(() => packets.length === 1, "the pruner to drop the expired packet", 3_000);
      assert.deepEqual(packets[0]!.data.slice(0, 2), ["call:ended", { n: 3 }]);
    });

    test("restoreSession answers { sid, pid, rooms, data, missedPackets }; the guard empties rooms and packets", async () => {
      const n = await startNode(holdingRecoveredState(RecoveryAdapter));
      nodes.push(n);
      const adapter = n.nsp.adapter as Adapter;
      n.nsp.to("call:x").emit("call:ended", { first: true });
      const offset = (adapter as unknown as { packets: { id: string }[] }).packets[0]!.id;
      adapter.persistSession({ sid: "s1", pid: "p1", rooms: ["call:x", "user:u1"], data: { userId: "u1" } });
      n.nsp.to("call:x").emit("call:ended", { missed: true });
      // The stock restore, through the unwrapped prototype: the shape the guard relies on.
      const stock = await SessionAwareAdapter.prototype.restoreSession.call(adapter, "p1", offset);
      assert.ok(stock, "restoreSession found no session");
      for (const key of ["data", "missedPackets", "pid", "rooms", "sid"]) assert.ok(key in stock, `Session#${key} is gone`);
      assert.deepEqual(stock.data, { userId: "u1" }, "the session's data is not the object persisted");
      assert.deepEqual(stock.rooms, ["call:x", "user:u1"]);
      assert.equal(stock.missedPackets.length, 1);
      assert.deepEqual(stock.missedPackets[0]!.slice(0, 2), ["call:ended", { missed: true }], "missedPackets is no longer the events' data arrays");
      adapter.persistSession({ sid: "s1", pid: "p1", rooms: ["call:x"], data: { userId: "u1" } });
      const held = await adapter.restoreSession("p1", offset);
      assert.deepEqual([held?.rooms, held?.missedPackets], [[], []]);
    });
  });

  describe("engine.io + ws: the TCP socket batched-writes.ts corks, the receiver hold-back.ts slows, the request signaling drops", () => {
    /** A node with one client connected: the server side's engine.io connection. */
    async function connectedConn(): Promise<unknown> {
      const n = await startNode(RecoveryAdapter);
      nodes.push(n);
      sockets.push(await client(n.url));
      await until(() => n.nsp.sockets.size === 1, "the socket");
      return [...n.nsp.sockets.values()][0]!.conn;
    }

    test("flush (conn, packets) then drain, synchronously, on a conn whose transport.socket._socket is the net.Socket", async () => {
      const n = await startNode(RecoveryAdapter);
      nodes.push(n);
      const seen: string[] = [];
      let tcp: unknown;
      n.io.engine.on("flush", (conn: { transport?: { name?: string; socket?: { _socket?: unknown } } }, packets: unknown) => {
        seen.push(`flush:${Array.isArray(packets) ? "array" : typeof packets}`);
        tcp = conn.transport?.socket?._socket;
      });
      n.io.engine.on("drain", () => seen.push("drain"));
      const c = await client(n.url);
      sockets.push(c);
      await until(() => seen.includes("drain"), "a flush and a drain");
      assert.equal(seen[0], "flush:array", "engine.io's flush event no longer passes the packets array");
      assert.equal(seen[1], "drain", "engine.io's drain does not follow flush");
      assert.ok(tcp instanceof NetSocket, "the websocket transport's socket._socket (ws) is no longer the net.Socket");
    });

    test("hold-back.ts: the websocket transport's socket (ws) has pause/resume and a receiver whose _allowSynchronousEvents is true", async () => {
      const conn = (await connectedConn()) as { transport?: { socket?: Record<string, unknown> } };
      const ws = conn.transport?.socket;
      assert.equal(typeof ws?.pause, "function", "ws WebSocket#pause is gone");
      assert.equal(typeof ws?.resume, "function", "ws WebSocket#resume is gone");
      const receiver = ws?._receiver as { _allowSynchronousEvents?: unknown } | undefined;
      assert.equal(receiver?._allowSynchronousEvents, true, "ws's Receiver no longer keeps allowSynchronousEvents as _allowSynchronousEvents");
    });

    test("hold-back.ts: with _allowSynchronousEvents false, engine.io's ws Receiver hands over the messages of one read one per turn", async () => {
      // engine.io's own copy of ws (the one the server's sockets use), its Receiver class.
      const fromEngine = createRequire(createRequire(import.meta.url).resolve("engine.io"));
      const { Receiver } = fromEngine("ws") as { Receiver: new (o: object) => NodeJS.WritableStream & { _allowSynchronousEvents: boolean; on(e: "message", f: () => void): void } };
      const frame = (text: string) => Buffer.concat([Buffer.from([0x81, text.length]), Buffer.from(text)]);
      const read = Buffer.concat([frame("one"), frame("two"), frame("three")]);
      for (const sync of [true, false]) {
        const r = new Receiver({ isServer: false, allowSynchronousEvents: true });
        r._allowSynchronousEvents = sync;
        let got = 0;
        r.on("message", () => got++);
        r.write(read);
        const inTheRead = got;
        await new Promise((resolve) => setImmediate(resolve));
        const afterOneTurn = got;
        await until(() => got === 3, "all three messages");
        if (sync) assert.equal(inTheRead, 3, "ws no longer hands over a read's messages synchronously by default");
        else assert.deepEqual([inTheRead, afterOneTurn], [0, 1], "ws's Receiver no longer reads _allowSynchronousEvents per message");
      }
    });

    test("socket.conn.request is the upgrade IncomingMessage, with engine.io's parsed _query on it", async () => {
      const conn = (await connectedConn()) as { request?: unknown };
      assert.ok(conn.request instanceof IncomingMessage, "engine.io Socket#request is gone");
      const q = (conn.request as IncomingMessage & { _query?: unknown })._query;
      assert.equal(typeof q, "object", "engine.io no longer keeps the parsed query as request._query");
      assert.equal((q as { transport?: string }).transport, "websocket");
    });
  });

  describe("rate-limiter-flexible RateLimiterRedis: the key and counter the INVITE script increments", () => {
    test("getKey is prefix:key, the counter is a plain integer with a PX expiry, and it reads increments made beside it", async () => {
      const r = await redisClient();
      const limiter = new RateLimiterRedis({ storeClient: r, useRedisPackage: true, keyPrefix: "contract:rl:ring", points: 3, duration: 60 });
      const key = limiter.getKey("u1");
      assert.equal(key, "contract:rl:ring:u1", "RateLimiterRedis#getKey changed its format");
      await limiter.consume("u1");
      assert.equal(await r.get(key), "1", "the counter is no longer a plain integer string");
      const ttl = await r.pTTL(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `the key's expiry is the window (pttl ${ttl})`);
      // What the INVITE Lua does: INCR (and PEXPIRE when the key had none).
      await r.incr(key);
      assert.equal((await limiter.get("u1"))?.consumedPoints, 2, "the limiter does not read a counter incremented beside it");
      await r.incr(key);
      await assert.rejects(limiter.consume("u1"), "over the limit after increments made beside it");
      // A fresh key made by INCR (the script first), then PEXPIRE: the limiter reads it too.
      await r.incr(limiter.getKey("u2"));
      await r.pExpire(limiter.getKey("u2"), 60_000);
      assert.equal((await limiter.get("u2"))?.consumedPoints, 1);
    });
  });

  describe("SQLite: the second writer and the checkpointer beside Prisma's better-sqlite3 adapter", () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-internals-sqlite-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("the migrated file is in WAL mode; Prisma's adapter writes DateTime as ISO text with +00:00, as the writer binds it", async () => {
      const file = path.join(dir, "a.db");
      await migrate(`file:${file}`);
      const db = createDb(`file:${file}`);
      try {
        const user = await db.user.create({ data: { email: "contract@example.test", name: "C", passwordHash: "x" } });
        const plain = new Database(file, { readonly: true });
        try {
          assert.equal(plain.pragma("journal_mode", { simple: true }), "wal", "the database is not in WAL mode");
          const [createdAt] = plain.prepare(`SELECT createdAt FROM User WHERE id = ?`).raw(true).get(user.id) as [unknown];
          assert.match(String(createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/, "Prisma's SQLite adapter changed its DateTime text");
        } finally {
          plain.close();
        }
        // A Date bound by the writer compares equal to the text Prisma wrote.
        const writer = openSqliteWriter(file);
        try {
          const n = writer.run(Prisma.sql`UPDATE User SET name = 'D' WHERE id = ${user.id} AND createdAt = ${user.createdAt}`);
          assert.equal(n, 1, "a Date bound by the writer no longer matches Prisma's stored text");
        } finally {
          writer.close();
        }
        assert.equal((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name, "D", "Prisma does not see the writer's commit");
      } finally {
        await db.$disconnect();
      }
    });

    test("wal_autocheckpoint = 0 holds, and wal_checkpoint(PASSIVE) answers { busy, log, checkpointed } on the worker", async () => {
      const file = path.join(dir, "b.db");
      const setup = new Database(file);
      setup.pragma("journal_mode = WAL");
      setup.exec("CREATE TABLE t (v TEXT)");
      setup.pragma("wal_autocheckpoint = 0");
      assert.equal(setup.pragma("wal_autocheckpoint", { simple: true }), 0);
      const insert = setup.prepare("INSERT INTO t VALUES (?)");
      for (let i = 0; i < 2_000; i++) insert.run("x".repeat(200));
      const [direct] = setup.pragma("wal_checkpoint(PASSIVE)", { simple: false }) as Record<string, unknown>[];
      assert.deepEqual(Object.keys(direct ?? {}).sort(), ["busy", "checkpointed", "log"], "wal_checkpoint's answer changed shape");
      for (let i = 0; i < 100; i++) insert.run("y");
      const cp = startCheckpointer(file, 50);
      try {
        const result = await new Promise<number[]>((resolve) => (cp.onCheckpoint = resolve));
        assert.equal(result.length, 3);
        assert.ok(result[1]! > 0 && result[2]! === result[1], `the worker checkpointed the whole WAL (${result.join(",")})`);
      } finally {
        cp.close();
        setup.close();
      }
    });
  });

  describe("PostgreSQL: PrismaPg on Dialtone's own pool, force_custom_plan for its sessions", () => {
    let cluster: TestPostgres | undefined;
    let base: string;
    before(async () => {
      if (process.env.DIALTONE_TEST_PG_URL) base = process.env.DIALTONE_TEST_PG_URL;
      else {
        assert.ok(findPostgresBinDir(), "PostgreSQL (initdb, pg_ctl) is needed for this contract: apt-get install -y postgresql");
        cluster = await startPostgres();
        base = cluster.url;
      }
    });
    after(() => cluster?.stop());

    test("Prisma's queries run on the pool createDb built (its session settings are ours)", async () => {
      const created = await createTestDatabase(base);
      await migrate(created.url);
      const db = createDb(created.url);
      try {
        const [row] = await db.$queryRaw<{ plan_cache_mode: string; TimeZone: string }[]>`SELECT current_setting('plan_cache_mode') AS plan_cache_mode, current_setting('TimeZone') AS "TimeZone"`;
        assert.equal(row?.plan_cache_mode, "force_custom_plan", "PrismaPg no longer runs on the pool it is given");
        assert.equal(row?.TimeZone, "UTC");
      } finally {
        await db.$disconnect();
        await created.drop();
      }
    });

    test("a named statement stays on custom plans past five runs; TIMESTAMP reads back as UTC", async () => {
      const created = await createTestDatabase(base);
      const pool = new pg.Pool({ connectionString: created.url, options: PG_SESSION_OPTIONS, max: 1 });
      try {
        const reader = openPgReader(pool);
        const q = (n: number) => Prisma.sql`SELECT g, '2026-01-02 03:04:05.678'::timestamp AS at FROM generate_series(1, 10) g WHERE g > ${n}`;
        for (let i = 0; i < 8; i++) assert.equal((await reader.rows(q(i))).length, 10 - i);
        const [first] = await reader.rows<[number, Date]>(q(0));
        assert.equal(first![1].toISOString(), "2026-01-02T03:04:05.678Z");
        const { rows } = await pool.query<{ generic_plans: string; custom_plans: string }>(
          `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'dialtone_%'`,
        );
        assert.equal(rows.length, 1);
        assert.equal(Number(rows[0]!.generic_plans), 0, "a generic plan was used: plan_cache_mode is not in force");
        assert.ok(Number(rows[0]!.custom_plans) >= 9);
      } finally {
        await pool.end();
        await created.drop();
      }
    });
  });
});
