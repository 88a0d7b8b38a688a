// A real Dialtone signaling server for integration tests: a fresh database
// (migrated with the project's own runner), a node http server on 127.0.0.1:0,
// the /signaling namespace, and real socket.io-client sockets authenticated by
// a real next-auth session cookie. Every test file starts one and closes it in
// `after`, so the test process exits by itself.
//
// The database is a temp SQLite file by default. With DIALTONE_TEST_DB=postgres
// (what `npm run test:integration:pg` sets) it is a fresh database created in
// the throwaway cluster at DIALTONE_TEST_PG_URL and dropped at close.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { io, type Socket } from "socket.io-client";
import { signUp } from "../../server/auth/accounts";
import { createSession, newSessionId } from "../../server/auth/sessions";
import type { Ack, AckData, ClientEventName, ClientToServerEvents, IceServer, Payload, ServerToClientEvents } from "../../server/protocol/events";
import { DialtoneError, type ErrorCode } from "../../server/protocol/errors";
import { z } from "zod";
import { actOnContact, requestContact } from "../../server/contacts/service";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createLimits, type Limits } from "../../server/rate-limits";
import type { TrustProxy } from "../../server/http/client-ip";
import { createSignaling, type Signaling } from "../../server/signaling";
import { createTestDatabase } from "../support/postgres";
import { startRedis, type TestRedis } from "../support/redis";
import { connectRedis, type RedisClient } from "../../server/redis";
import { createLog, type Log } from "../../server/observability/log";
import type { Metrics } from "../../server/observability/metrics";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEventName = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
export type TestUser = { id: string; name: string; email: string; password: string };

export type HarnessOptions = {
  ringTimeoutMs?: number;
  graceMs?: number;
  iceServers?: (userId: string) => IceServer[];
  limits?: Limits;
  /** How long after the ring time its timer fires (default 50 ms). */
  ringTimerSlackMs?: number;
  sweepEveryMs?: number;
  /** The server's logger and metrics (default: silent, and a private registry). */
  log?: Log;
  metrics?: Metrics;
  /** Asked first for every HTTP request (true: answered); the rest get 404 (tests of /healthz, /readyz, /metrics). */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Run the signaling server as one of several nodes: the Redis streams adapter (and the cross-node event budget) on this client. */
  adapterRedis?: RedisClient;
  /** How the handshake's client IP is read (default: the TCP peer, 127.0.0.1). */
  trustProxy?: TrustProxy;
};

/**
 * Where call state is decided in this test process: the SQLite run uses the
 * one-node memory store, the PostgreSQL run the several-node Redis store
 * (what production runs with REDIS_URL: a throwaway redis-server, shared by
 * the process's harnesses, each under its own key prefix), so the suite
 * covers both. DIALTONE_TEST_CALL_STATE=memory|redis overrides.
 */
export const CALL_STATE: "memory" | "redis" =
  (process.env.DIALTONE_TEST_CALL_STATE as "memory" | "redis" | undefined) ?? (process.env.DIALTONE_TEST_DB === "postgres" ? "redis" : "memory");

type CallStateRedis = { redis: RedisClient; prefix: string };
let sharedRedis: { users: number; started: Promise<{ server: TestRedis; client: RedisClient }> } | undefined;

/** The Redis call state of one harness (undefined: memory), and its release. */
async function openCallState(): Promise<{ state: CallStateRedis | undefined; release: () => Promise<void> }> {
  if (CALL_STATE === "memory") return { state: undefined, release: async () => undefined };
  sharedRedis ??= {
    users: 0,
    started: (async () => {
      const server = await startRedis();
      return { server, client: await connectRedis(server.url) };
    })(),
  };
  const shared = sharedRedis;
  shared.users++;
  const { client } = await shared.started;
  return {
    state: { redis: client, prefix: `test:${randomBytes(6).toString("hex")}:` },
    // The last harness of the process stops it, so the process can exit.
    release: async () => {
      if (--shared.users > 0) return;
      if (sharedRedis === shared) sharedRedis = undefined;
      const { server, client: c } = await shared.started;
      await c.quit().catch(() => undefined);
      await server.stop();
    },
  };
}

export type Harness = {
  url: string;
  port: number;
  db: Db;
  /** The database's URL (SQLite file or PostgreSQL). */
  dbUrl: string;
  secret: string;
  dir: string;
  signaling: Signaling;
  /** Where call state lives (the Redis store's client and prefix; undefined: memory): a restarted node gets the same. */
  callState: CallStateRedis | undefined;
  createUser(name?: string): Promise<TestUser>;
  /** Mutually accepted contacts (a asks, b accepts), through the real contacts service. */
  makeContacts(a: TestUser, b: TestUser): Promise<void>;
  /** a asks b; b has not answered. */
  requestContact(a: TestUser, b: TestUser): Promise<void>;
  /** a blocks b through the contacts service (which also removes their contact row). */
  block(a: TestUser, b: TestUser): Promise<void>;
  /** A session cookie for this user, as next-auth makes at sign-in: a Session row (server/auth/sessions.ts) and a token naming it. */
  cookieFor(user: { id: string; name: string }): Promise<string>;
  /** The same, with the session's id (to revoke it). A user that does not exist gets an id with no row. */
  signIn(user: { id: string; name: string }, userAgent?: string): Promise<{ cookie: string; sid: string }>;
  /** A connected socket for this user (or for a raw Cookie header). */
  connect(user: TestUser | { cookie: string }): Promise<ClientSocket>;
  /** Tries to connect and returns the connect_error message (fails if it connects). */
  connectError(cookie?: string, namespace?: string): Promise<string>;
  close(): Promise<void>;
};

/** Which database this test process runs against. */
export const TEST_DB: "sqlite" | "postgres" = process.env.DIALTONE_TEST_DB === "postgres" ? "postgres" : "sqlite";

/** A fresh, migrated database of the kind under test; drop() removes it. */
export async function createFreshDb(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DB === "sqlite") {
    const url = `file:${path.join(dir, "test.db")}`;
    await migrate(url);
    return { url, drop: async () => undefined };
  }
  const base = process.env.DIALTONE_TEST_PG_URL;
  if (!base) throw new Error("DIALTONE_TEST_DB=postgres needs DIALTONE_TEST_PG_URL: run `npm run test:integration:pg`, which starts a throwaway cluster");
  const created = await createTestDatabase(base);
  await migrate(created.url);
  return created;
}

let emailCounter = 0;
const log = new WeakMap<ClientSocket, { event: string; args: unknown[] }[]>();

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-it-"));
  const fresh = await createFreshDb(dir);
  const db = createDb(fresh.url);
  const secret = randomBytes(32).toString("base64url");
  const callState = await openCallState();

  const httpServer: HttpServer = createServer((req, res) => {
    if (options.onRequest?.(req, res)) return;
    res.statusCode = 404;
    res.end();
  });
  const signaling = createSignaling(httpServer, {
    db,
    authSecret: secret,
    ringTimeoutMs: options.ringTimeoutMs ?? 1500,
    graceMs: options.graceMs ?? 300,
    iceServers: options.iceServers ?? (() => []),
    limits: options.limits ?? createLimits(),
    sweepEveryMs: options.sweepEveryMs ?? 200,
    ringTimerSlackMs: options.ringTimerSlackMs,
    trustProxy: options.trustProxy,
    redis: options.adapterRedis,
    callState: callState.state,
    // Errors only, through console.error: the tests that watch for unexpected
    // server errors replace console.error and see them there.
    log: options.log ?? createLog({ level: "error", destination: { write: (line: string) => console.error(line.trimEnd()) } }),
    metrics: options.metrics,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const sockets = new Set<ClientSocket>();

  const signIn = async (user: { id: string; name: string }, userAgent = "dialtone-integration-test") => {
    let sid: string;
    try {
      sid = await createSession(db, user.id, { userAgent, ip: "127.0.0.1" });
    } catch {
      sid = newSessionId(); // no such user: a token whose session never existed
    }
    return { sid, cookie: `next-auth.session-token=${await encode({ token: { sub: user.id, name: user.name, sid }, secret })}` };
  };
  const cookieFor = async (user: { id: string; name: string }) => (await signIn(user)).cookie;

  const open = (cookie: string | undefined, namespace = "/signaling"): ClientSocket => {
    const socket: ClientSocket = io(`${url}${namespace}`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      ...(cookie === undefined ? {} : { extraHeaders: { cookie } }),
    });
    const entries: { event: string; args: unknown[] }[] = [];
    log.set(socket, entries);
    socket.onAny((event: string, ...args: unknown[]) => entries.push({ event, args }));
    sockets.add(socket);
    return socket;
  };

  const harness: Harness = {
    url,
    port,
    db,
    dbUrl: fresh.url,
    callState: callState.state,
    secret,
    dir,
    signaling,
    async createUser(name = "User") {
      const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}-${++emailCounter}-${randomBytes(3).toString("hex")}@test.dialtone`;
      const password = "correct horse battery";
      const user = await signUp(db, { name, email, password });
      return { ...user, password };
    },
    async makeContacts(a, b) {
      await requestContact(db, a.id, { email: b.email });
      await actOnContact(db, b.id, a.id, { action: "accept" });
    },
    async requestContact(a, b) {
      await requestContact(db, a.id, { email: b.email });
    },
    async block(a, b) {
      await actOnContact(db, a.id, b.id, { action: "block" });
    },
    cookieFor,
    signIn,
    async connect(user) {
      const cookie = "cookie" in user ? user.cookie : await cookieFor(user);
      const socket = open(cookie);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", (err) => reject(new Error(`connect failed: ${err.message}`)));
      });
      return socket;
    },
    async connectError(cookie, namespace) {
      const socket = open(cookie, namespace);
      try {
        return await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("neither connect nor connect_error within 5 s")), 5000);
          socket.once("connect", () => {
            clearTimeout(timer);
            reject(new Error("connected, but a connect_error was expected"));
          });
          socket.once("connect_error", (err) => {
            clearTimeout(timer);
            resolve(err.message);
          });
        });
      } finally {
        socket.disconnect();
      }
    },
    async close() {
      for (const s of sockets) s.disconnect();
      sockets.clear();
      await signaling.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await db.$disconnect();
      await callState.release();
      await fresh.drop();
      // A write the database had queued (SQLite's -wal, -shm) can land while the folder goes: retried.
      await fs.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
  return harness;
}

/** Emits a client→server event and resolves with its ack (5 s timeout). */
export function emitAck<E extends ClientEventName>(socket: ClientSocket, event: E, payload: Payload<E>): Promise<Ack<AckData[E]>> {
  return (socket as unknown as Socket).timeout(5000).emitWithAck(event, payload) as Promise<Ack<AckData[E]>>;
}

/** Emits anything (garbage payloads, unknown events) and resolves with the ack. */
export function emitRawAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket as unknown as Socket).timeout(5000).emitWithAck(event, ...args) as Promise<unknown>;
}

/** Emits anything without an ack callback. */
export function emitRaw(socket: ClientSocket, event: string, ...args: unknown[]): void {
  (socket as unknown as Socket).emit(event, ...args);
}

/**
 * Resolves with the next `event` on `socket` (matching `filter`). Call it BEFORE
 * the action that triggers the event: events from different connections may
 * arrive in any order.
 */
export function waitFor<E extends ServerEventName>(
  socket: ClientSocket,
  event: E,
  filter: (payload: ServerPayload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<ServerPayload<E>> {
  const raw = socket as unknown as Socket;
  const name: string = event;
  return new Promise((resolve, reject) => {
    const listener = (payload: ServerPayload<E>) => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      raw.off(name, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      raw.off(name, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${name}"`));
    }, timeoutMs);
    raw.on(name, listener);
  });
}

/** Every payload of `event` this socket has received since it was opened. */
export function received<E extends ServerEventName>(socket: ClientSocket, event: E): ServerPayload<E>[] {
  return (log.get(socket) ?? []).filter((e) => e.event === event).map((e) => e.args[0] as ServerPayload<E>);
}

/**
 * A barrier: the server answers this socket's own request only after it wrote
 * everything queued for this socket before it, so once the ack is back, any
 * message the server sent this socket earlier has arrived.
 */
export async function flush(socket: ClientSocket): Promise<void> {
  const res = await emitAck(socket, "presence:list", {});
  assert.equal(res.ok, true, "flush ack failed");
}

/** Polls `condition` every 10 ms until it holds (fails after `timeoutMs`). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts a successful ack and narrows its type. */
export function expectOk<T extends object>(res: Ack<T>, what = "ack"): { ok: true } & T {
  if (!res.ok) assert.fail(`${what}: expected ok, got ${res.code} (${res.message})`);
  return res;
}

/** Asserts a failed ack with this code. */
export function expectError(res: unknown, code: ErrorCode, what = "ack"): void {
  assert.equal(typeof res, "object", `${what}: ack is not an object`);
  const r = res as { ok?: unknown; code?: unknown; message?: unknown };
  assert.equal(r.ok, false, `${what}: expected ok:false with ${code}, got ${JSON.stringify(res)}`);
  assert.equal(r.code, code, `${what}: expected code ${code}, got ${JSON.stringify(res)}`);
  assert.equal(typeof r.message, "string", `${what}: message missing`);
}

/** Places a call from `caller` to `callee` and waits until `calleeSocket` rings. */
export async function ring(callerSocket: ClientSocket, calleeSocket: ClientSocket, calleeId: string) {
  const incoming = waitFor(calleeSocket, "call:incoming");
  const res = expectOk(await emitAck(callerSocket, "call:invite", { calleeId, kind: "video" }), "invite");
  assert.equal(res.call.status, "ringing");
  const { call } = await incoming;
  assert.equal(call.id, res.call.id);
  return res.call;
}

/** Rings and accepts: returns an active call. */
export async function establish(callerSocket: ClientSocket, calleeSocket: ClientSocket, calleeId: string) {
  const call = await ring(callerSocket, calleeSocket, calleeId);
  const accepted = waitFor(callerSocket, "call:accepted");
  expectOk(await emitAck(calleeSocket, "call:accept", { callId: call.id }), "accept");
  await accepted;
  return call;
}

/** Ends a call from `socket` (hang-up) and waits for call:ended there. */
export async function hangup(socket: ClientSocket, callId: string) {
  const ended = waitFor(socket, "call:ended", (p) => p.call.id === callId);
  expectOk(await emitAck(socket, "call:hangup", { callId }), "hangup");
  return ended;
}

/** What a service call answers: "ok", a DialtoneError's code, or "invalid_payload" for a zod error (anything else throws). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof DialtoneError) return err.code;
    if (err instanceof z.ZodError) return "invalid_payload";
    throw err;
  }
}
