// B1 signaling: N authenticated users connected to ONE Dialtone signaling
// node (bench/signaling-node.ts, its own process), then R rings per second
// between random contact pairs for a fixed time. Each ring runs the whole path
// a real call uses: invite → call:incoming on the callee's socket → accept →
// call:accepted → offer (~3 KB SDP) → answer (~3 KB) → 10 ICE candidates each
// way (trickled right after each description) → hang-up → call:ended. Every
// client message carries an ack, as the app's do.
//
// Baseline in the same run: a minimal raw `ws` relay (bench/ws-baseline.ts: no
// auth, no database) carrying the same messages for the same N, rate and pair
// choices. Every figure is printed with its ratio to the baseline. Writes
// bench/results/signaling.json.
//   node --import tsx bench/signaling.ts [--quick] [--n 1000,10000] [--repeats 3] [--seconds 12] [--rate 25] [--socketio] [--only dialtone|ws] [--no-pin]
//   Each server runs on core 0 and the clients on the other cores (bench/proc.ts#pinApart), as
//   clients never share the server's machine in production; --no-pin leaves placement to the scheduler.
//   --socketio also runs a plain Socket.IO relay (bench/socketio-baseline.ts, no auth, no database, no
//   recovery) with the same messages: not a floor, but what the mandated transport costs by itself.
// Defaults: N = 1,000 (12 s of rings) and 10,000 (20 s), 3 repeats each, 25 rings/s;
// --quick: N = 1,000 only, 6 s. BENCH_PHASES=1 prints where setup time went (p50 of each step);
// BENCH_CPU_PROF=<dir> writes a CPU profile of each
// server's measured phase (with BENCH_CPU_PROF_PHASE=connect: of its connect phase instead); BENCH_IDLE_MS sets the idle time before RSS is read (2 s);
// BENCH_MEM_DEBUG=1 prints where each server's memory is (bench/proc.ts); BENCH_HEAP_SNAPSHOT=<dir>
// lets `kill -USR2` write a heap snapshot of the Dialtone node (bench/signaling-node.ts).
// --only runs one of the two servers (quicker iterations; no ratios then).
//
// Clients live in this process, spread over several loopback source addresses
// (127.0.<k>.1) so 10,000 connections never run short of ephemeral ports; the
// script re-executes itself under a raised file-descriptor limit.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { WebSocket } from "ws";
import { machineCpu, startServerProcess, type ServerProcess, type ServerStats } from "./proc";
import { summarise } from "./stats";
import { reexecWithRaisedFdLimit, seedUsers, type Seed } from "./users";
import { pool } from "./pool";
import { flag, has } from "./args";

// ── the file-descriptor limit: 10,000 sockets need more than the usual 1,024 ──
reexecWithRaisedFdLimit();

const quick = has("--quick");
const sizes = (flag("--n") ?? (quick ? "1000" : "1000,10000")).split(",").map(Number);
const rate = Number(flag("--rate")) || 25;
const secondsFor = (n: number) => Number(flag("--seconds")) || (quick ? 6 : n >= 10_000 ? 20 : 12);
const repeatsFor = (n: number) => Number(flag("--repeats")) || 3;
// --only dialtone|ws: run one side (for quick iterations; the report then has no floor to compare with).
const only = flag("--only") as Impl | undefined;
/** Also run the plain Socket.IO reference (bench/socketio-baseline.ts): what the transport alone costs. */
const withSocketIo = has("--socketio") || only === "socketio";
/** The server on a core of its own, the clients on the others (bench/proc.ts#pinApart); --no-pin leaves it to the scheduler. */
const pin = !has("--no-pin");
const SOURCE_ADDRESSES = 16; // 127.0.1.1 … 127.0.16.1
const CONNECT_CONCURRENCY = 200;
/** BENCH_CPU_PROF_PHASE=connect: the CPU profile (BENCH_CPU_PROF) covers connecting the users, not the rings. */
const PROFILE_CONNECT = process.env.BENCH_CPU_PROF_PHASE === "connect";
const TIMEOUT_MS = 5_000;
const ICE = 10;
const RINGS_PER_USER_PER_MINUTE = 15; // Dialtone allows 20 invites a minute per user: stay under it

// ── messages: a ~3 KB SDP and realistic candidates ─────────────────────────
function fakeSdp(type: "offer" | "answer"): string {
  const lines = [
    "v=0",
    `o=- ${type === "offer" ? "4611731400430051336" : "8231045918349234129"} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1",
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS stream",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Fq3v",
    "a=ice-pwd:bqDcJYDsE3pM1dN2fb0Bxk8Y",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF",
    `a=setup:${type === "offer" ? "actpass" : "active"}`,
    "a=mid:0",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=sendrecv",
    "a=msid:stream audio-track",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:13 CN/8000",
    "a=rtpmap:110 telephone-event/48000",
    "a=rtpmap:126 telephone-event/8000",
    "a=ssrc:1001 cname:benchcname",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 45 46",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Fq3v",
    "a=ice-pwd:bqDcJYDsE3pM1dN2fb0Bxk8Y",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF",
    `a=setup:${type === "offer" ? "actpass" : "active"}`,
    "a=mid:1",
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:13 urn:3gpp:video-orientation",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
    "a=sendrecv",
    "a=msid:stream video-track",
    "a=rtcp-mux",
    "a=rtcp-rsize",
  ];
  for (const [pt, codec] of [
    [96, "VP8/90000"],
    [98, "VP9/90000"],
    [100, "H264/90000"],
    [45, "AV1/90000"],
  ] as const) {
    lines.push(`a=rtpmap:${pt} ${codec}`, `a=rtcp-fb:${pt} goog-remb`, `a=rtcp-fb:${pt} transport-cc`, `a=rtcp-fb:${pt} ccm fir`);
    lines.push(`a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`, `a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
  }
  lines.push("a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "a=fmtp:98 profile-id=0");
  lines.push("a=ssrc-group:FID 2001 2002", "a=ssrc:2001 cname:benchcname", "a=ssrc:2002 cname:benchcname");
  let sdp = lines.join("\r\n") + "\r\n";
  while (sdp.length < 3000) sdp += `a=x-pad:${"0".repeat(60)}\r\n`;
  return sdp;
}
const OFFER = { type: "offer" as const, sdp: fakeSdp("offer") };
const ANSWER = { type: "answer" as const, sdp: fakeSdp("answer") };
const candidate = (i: number) => ({
  candidate: `candidate:${842163049 + i} 1 udp ${2122260223 - i} 127.0.0.1 ${50000 + i} typ host generation 0 ufrag Fq3v network-id 1 network-cost 10`,
  sdpMid: i % 2 === 0 ? "0" : "1",
  sdpMLineIndex: i % 2,
  usernameFragment: "Fq3v",
});

// ── clients: one interface over socket.io-client and raw ws ────────────────
type AckRes = { ok: boolean; code?: string; message?: string; call?: { id: string; status: string } };
type Payload = Record<string, unknown> & { callId?: string; call?: { id: string }; description?: { type: string } };
type Waiter = { event: string; match: (p: Payload) => boolean; resolve: (p: Payload) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

let sentMessages = 0;

abstract class BenchClient {
  private readonly waiters = new Set<Waiter>();
  closing = false;
  constructor(readonly userId: string) {}
  abstract connect(): Promise<void>;
  abstract send(event: string, payload: unknown): Promise<AckRes>;
  abstract close(): void;
  request(event: string, payload: unknown): Promise<AckRes> {
    sentMessages++;
    const p = this.send(event, payload);
    p.catch(() => undefined); // a ring that already failed may leave this unawaited
    return p;
  }
  protected dispatch(event: string, payload: Payload): void {
    for (const w of this.waiters) {
      if (w.event === event && w.match(payload)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(payload);
      }
    }
  }
  /** The next `event` matching `match` (register before the action that causes it). */
  wait(event: string, match: (p: Payload) => boolean): Promise<Payload> {
    const p = new Promise<Payload>((resolve, reject) => {
      const w: Waiter = {
        event,
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Error(`timed out waiting for ${event}`));
        }, TIMEOUT_MS),
      };
      this.waiters.add(w);
    });
    p.catch(() => undefined); // a ring that already failed may leave this unawaited
    return p;
  }
}

class DialtoneClient extends BenchClient {
  private socket: Socket | undefined;
  constructor(
    userId: string,
    private readonly url: string,
    /** A session cookie (Dialtone), or null: the user id goes in the query (the plain Socket.IO reference). */
    private readonly cookie: string | null,
    private readonly localAddress: string,
    private readonly onLost: (why: string) => void,
  ) {
    super(userId);
  }
  connect(): Promise<void> {
    // localAddress is handed by engine.io-client to the `ws` WebSocket it opens.
    const who = this.cookie === null ? { query: { u: this.userId } } : { extraHeaders: { cookie: this.cookie } };
    const options = { transports: ["websocket"], forceNew: true, reconnection: false, ...who, localAddress: this.localAddress };
    const s = io(`${this.url}/signaling`, options);
    this.socket = s;
    s.onAny((event: string, payload: Payload) => this.dispatch(event, payload));
    return new Promise((resolve, reject) => {
      s.once("connect", () => {
        s.on("disconnect", (reason) => {
          if (!this.closing) this.onLost(`disconnect: ${reason}`);
        });
        resolve();
      });
      s.once("connect_error", (err) => reject(err));
    });
  }
  send(event: string, payload: unknown): Promise<AckRes> {
    return this.socket!.timeout(TIMEOUT_MS).emitWithAck(event, payload) as Promise<AckRes>;
  }
  close(): void {
    this.closing = true;
    this.socket?.disconnect();
  }
}

class WsClient extends BenchClient {
  private ws: WebSocket | undefined;
  private seq = 0;
  private readonly acks = new Map<number, { resolve: (r: AckRes) => void; timer: NodeJS.Timeout }>();
  constructor(
    userId: string,
    private readonly url: string,
    private readonly localAddress: string,
    private readonly onLost: (why: string) => void,
  ) {
    super(userId);
  }
  connect(): Promise<void> {
    const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/?u=${this.userId}`, { localAddress: this.localAddress });
    this.ws = ws;
    ws.on("error", (err) => {
      if (!this.closing) this.onLost(`error: ${err.message}`);
    });
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as { e?: string; p?: Payload; a?: number; r?: AckRes };
      if (m.a !== undefined) {
        const pending = this.acks.get(m.a);
        this.acks.delete(m.a);
        if (pending) {
          clearTimeout(pending.timer);
          pending.resolve(m.r ?? { ok: false });
        }
      } else if (m.e) this.dispatch(m.e, m.p ?? {});
    });
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        ws.on("close", () => {
          if (!this.closing) this.onLost("close");
        });
        resolve();
      });
      ws.once("error", reject);
      ws.once("unexpected-response", () => reject(new Error("unexpected response")));
    });
  }
  send(event: string, payload: unknown): Promise<AckRes> {
    const a = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(a);
        reject(new Error(`ack timeout: ${event}`));
      }, TIMEOUT_MS);
      this.acks.set(a, { resolve, timer });
      this.ws!.send(JSON.stringify({ e: event, p: payload, a }));
    });
  }
  close(): void {
    this.closing = true;
    this.ws?.close();
  }
}

// ── one ring, the whole signaling path of a call ────────────────────────────
function ok(res: AckRes, what: string): AckRes {
  if (!res.ok) throw new Error(`${what}: ${res.code ?? "?"} ${res.message ?? ""}`);
  return res;
}

/** Where one ring's setup time went (ms after the invite was sent): printed with BENCH_PHASES=1. */
type Phases = Record<"accepted" | "offerAtCallee" | "answerAtCaller" | "candidatesAtCallee" | "candidatesAtCaller", number>;
const PHASES = process.env.BENCH_PHASES === "1";
const phaseSamples = new Map<Impl, Phases[]>();

async function ringOnce(caller: BenchClient, callee: BenchClient): Promise<{ ringMs: number; setupMs: number; phases: Phases }> {
  const t0 = performance.now();
  const incoming = callee.wait("call:incoming", (p) => (p.call as { caller?: { id: string } } | undefined)?.caller?.id === caller.userId);
  const invite = caller.request("call:invite", { calleeId: callee.userId, kind: "video" });
  const ring = await incoming;
  const tRing = performance.now();
  // The callee answers the ring it got, as the app does: the call id comes
  // with call:incoming, not from the caller's ack (checked below, off the path).
  const callId = (ring.call as { id?: string } | undefined)?.id;
  if (!callId) throw new Error("call:incoming without a call id");
  const invited = invite.then((res) => {
    const inv = ok(res, "invite");
    if (inv.call?.status !== "ringing" || inv.call.id !== callId) throw new Error(`invite: not ringing this call (${inv.call?.status})`);
  });
  invited.catch(() => undefined);
  const forCall = (p: Payload) => p.callId === callId;

  // Register every wait before the action that causes it.
  const phases: Phases = { accepted: 0, offerAtCallee: 0, answerAtCaller: 0, candidatesAtCallee: 0, candidatesAtCaller: 0 };
  const mark = <T>(p: Promise<T>, k: keyof Phases) => p.then((v) => ((phases[k] = performance.now() - t0), v));
  const accepted = mark(caller.wait("call:accepted", (p) => p.call?.id === callId), "accepted");
  const offer = mark(callee.wait("signal:description", (p) => forCall(p) && p.description?.type === "offer"), "offerAtCallee");
  const answer = mark(caller.wait("signal:description", (p) => forCall(p) && p.description?.type === "answer"), "answerAtCaller");
  let atCallee = 0;
  let atCaller = 0;
  const calleeCandidates = mark(callee.wait("signal:candidate", (p) => forCall(p) && ++atCallee === ICE), "candidatesAtCallee");
  const callerCandidates = mark(caller.wait("signal:candidate", (p) => forCall(p) && ++atCaller === ICE), "candidatesAtCaller");
  const acks: Promise<AckRes>[] = [];
  const calleeSide = (async () => {
    ok(await callee.request("call:accept", { callId }), "accept");
    await offer;
    acks.push(callee.request("signal:description", { callId, description: ANSWER }));
    for (let i = 0; i < ICE; i++) acks.push(callee.request("signal:candidate", { callId, candidate: candidate(i) }));
  })();
  const callerSide = (async () => {
    await accepted;
    acks.push(caller.request("signal:description", { callId, description: OFFER }));
    for (let i = 0; i < ICE; i++) acks.push(caller.request("signal:candidate", { callId, candidate: candidate(i) }));
  })();
  await Promise.all([calleeSide, callerSide, answer, calleeCandidates, callerCandidates]);
  const tSetup = performance.now();
  await invited;
  for (const a of await Promise.all(acks)) ok(a, "relay");

  const ended = callee.wait("call:ended", (p) => p.call?.id === callId);
  ok(await caller.request("call:hangup", { callId }), "hangup");
  await ended;
  return { ringMs: tRing - t0, setupMs: tSetup - t0, phases };
}

// ── the database: N users, each with 4 accepted contacts (i±1, i±2): bench/users.ts ──

// ── one repeat: start a server, connect N, measure idle RSS, ring for T s ────
type Impl = "ws" | "socketio" | "dialtone";
type RunResult = {
  impl: Impl;
  n: number;
  repeat: number;
  connectSeconds: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssPerUserKB: number;
  heapPerUserKB: number;
  rings: number;
  skipped: number;
  messages: number;
  ringP50: number;
  ringP99: number;
  setupP50: number;
  setupP99: number;
  cpuPerRingUs: number;
  cpuPerMessageUs: number;
  serverCpuPct: number;
  clientCpuPct: number;
  otherCpuPct: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  errors: number;
  errorSamples: string[];
};


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(impl: Impl, s: Seed, n: number, repeat: number, seconds: number): Promise<RunResult> {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(why);
  const server: ServerProcess =
    impl === "dialtone"
      ? await startServerProcess("bench/signaling-node.ts", { BENCH_DB_URL: s.dbUrl, BENCH_SECRET: s.secret }, { pin })
      : await startServerProcess(impl === "ws" ? "bench/ws-baseline.ts" : "bench/socketio-baseline.ts", {}, { pin });
  if (pin && !server.pinned) console.log("  (could not pin the server to a core of its own: taskset missing or one core)");
  const url = `http://127.0.0.1:${server.port}`;
  const clients: BenchClient[] = [];
  try {
    await sleep(300);
    const before = await server.stats(true);
    if (PROFILE_CONNECT) server.profile("start");
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const u = s.users[i]!;
      const local = `127.0.${1 + (i % SOURCE_ADDRESSES)}.1`;
      clients.push(
        impl === "ws" ? new WsClient(u.id, url, local, fail) : new DialtoneClient(u.id, url, impl === "dialtone" ? u.cookie : null, local, fail),
      );
    }
    await pool(clients, CONNECT_CONCURRENCY, async (c) => {
      await c.connect().catch((err: Error) => fail(`connect: ${err.message}`));
    });
    const connectSeconds = (performance.now() - t0) / 1000;
    if (PROFILE_CONNECT) server.profile("stop", `${impl}-${n}-${repeat}-connect`);
    await sleep(Number(process.env.BENCH_IDLE_MS) || 2_000); // presence broadcasts and the like settle
    const after = await server.stats(true);

    const edges = s.edges.filter(([a, b]) => a < n && b < n);
    const busy = new Uint8Array(n);
    const recent: number[][] = Array.from({ length: n }, () => []);
    let skipped = 0;
    const pick = (now: number): [number, number] | undefined => {
      for (let tries = 0; tries < 100; tries++) {
        const [x, y] = edges[Math.floor(Math.random() * edges.length)]!;
        const [a, b] = Math.random() < 0.5 ? [x, y] : [y, x];
        if (busy[a] || busy[b]) continue;
        const r = recent[a]!;
        while (r.length > 0 && r[0]! < now - 61_000) r.shift();
        if (r.length >= RINGS_PER_USER_PER_MINUTE) continue;
        return [a, b];
      }
      return undefined;
    };
    const phase = async (ms: number, samples?: { ring: number[]; setup: number[] }) => {
      const inflight = new Set<Promise<void>>();
      const start = performance.now();
      for (let k = 0; ; k++) {
        const due = start + (k * 1000) / rate;
        if (due >= start + ms) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const pair = pick(performance.now());
        if (!pair) {
          skipped++;
          continue;
        }
        const [a, b] = pair;
        busy[a] = busy[b] = 1;
        recent[a]!.push(performance.now());
        const p = ringOnce(clients[a]!, clients[b]!)
          .then((r) => {
            samples?.ring.push(r.ringMs);
            samples?.setup.push(r.setupMs);
            if (samples && PHASES) phaseSamples.set(impl, [...(phaseSamples.get(impl) ?? []), r.phases]);
          })
          .catch((err: Error) => {
            fail(`ring: ${err.message}`);
          })
          .finally(() => {
            busy[a] = busy[b] = 0;
            inflight.delete(p);
          });
        inflight.add(p);
      }
      await Promise.all(inflight);
    };

    await phase(2_000); // warm-up: JIT, prepared statements, caches
    const warmErrors = errors.length;
    const samples = { ring: [] as number[], setup: [] as number[] };
    sentMessages = 0;
    skipped = 0;
    if (!PROFILE_CONNECT) server.profile("start");
    const cpu0: ServerStats = await server.stats();
    const m0 = machineCpu();
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await phase(seconds * 1000, samples);
    const wallUs = (performance.now() - w0) * 1000;
    const c1 = process.cpuUsage(c0);
    const m1 = machineCpu();
    const cpu1 = await server.stats();
    if (!PROFILE_CONNECT) server.profile("stop", `${impl}-${n}-${repeat}`);
    const serverUs = cpu1.cpuUs - cpu0.cpuUs;
    const clientUs = c1.user + c1.system;
    const ringSummary = summarise(samples.ring);
    const setupSummary = summarise(samples.setup);
    const result: RunResult = {
      impl,
      n,
      repeat,
      connectSeconds,
      rssBeforeMB: before.rss / 2 ** 20,
      rssAfterMB: after.rss / 2 ** 20,
      rssPerUserKB: (after.rss - before.rss) / n / 1024,
      heapPerUserKB: (after.heapUsed - before.heapUsed) / n / 1024,
      rings: samples.ring.length,
      skipped,
      messages: sentMessages,
      ringP50: ringSummary.p50,
      ringP99: ringSummary.p99,
      setupP50: setupSummary.p50,
      setupP99: setupSummary.p99,
      cpuPerRingUs: serverUs / Math.max(1, samples.ring.length),
      cpuPerMessageUs: serverUs / Math.max(1, sentMessages),
      serverCpuPct: (100 * serverUs) / wallUs,
      clientCpuPct: (100 * clientUs) / wallUs,
      // Everything else the machine did meanwhile, in % of one core (0 on a quiet machine).
      otherCpuPct: (100 * (m1.busyUs - m0.busyUs - serverUs - clientUs)) / wallUs,
      loopDelayP99Ms: cpu1.loopDelayP99Ms,
      loopDelayMaxMs: cpu1.loopDelayMaxMs,
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
    };
    if (warmErrors > 0) console.log(`  (${warmErrors} errors during warm-up, counted)`);
    return result;
  } finally {
    for (const c of clients) c.close();
    await sleep(200);
    await server.stop();
  }
}

// ── report ──────────────────────────────────────────────────────────────────
const median = (xs: number[]) => summarise(xs).p50;
const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "—");

type Metric = { key: keyof RunResult; label: string; unit: string; digits: number };
const METRICS: Metric[] = [
  { key: "ringP50", label: "ring p50 (invite → incoming)", unit: "ms", digits: 2 },
  { key: "ringP99", label: "ring p99", unit: "ms", digits: 2 },
  { key: "setupP50", label: "full setup p50", unit: "ms", digits: 2 },
  { key: "setupP99", label: "full setup p99", unit: "ms", digits: 2 },
  { key: "cpuPerRingUs", label: "server CPU per ring", unit: "µs", digits: 0 },
  { key: "cpuPerMessageUs", label: "server CPU per message", unit: "µs", digits: 1 },
  { key: "rssPerUserKB", label: "RSS per idle connected user", unit: "KB", digits: 1 },
  { key: "heapPerUserKB", label: "  of which JS heap", unit: "KB", digits: 1 },
  { key: "connectSeconds", label: "connect all users", unit: "s", digits: 1 },
  { key: "errors", label: "errors", unit: "", digits: 0 },
];

export type Row = {
  n: number;
  metric: string;
  unit: string;
  ws: [number, number, number];
  dialtone: [number, number, number];
  ratio: number;
  /** The plain Socket.IO reference, when run (--socketio). */
  socketio?: [number, number, number];
  socketioRatio?: number;
};

function report(results: RunResult[]): Row[] {
  const rows: Row[] = [];
  for (const n of [...new Set(results.map((r) => r.n))]) {
    const of = (impl: Impl, key: keyof RunResult) => results.filter((r) => r.n === n && r.impl === impl).map((r) => r[key] as number);
    const reps = of("dialtone", "ringP50").length;
    console.log(`\nB1 signaling, N = ${n.toLocaleString("en")} users, ${rate} rings/s, ${reps} repeat(s), ${pin ? "server pinned to core 0, clients on the others" : "not pinned"}: min / median / max over repeats`);
    const withSio = of("socketio", "ringP50").length > 0;
    console.log(
      "metric".padEnd(30),
      "raw ws".padStart(24),
      ...(withSio ? ["plain Socket.IO".padStart(24), "ratio".padStart(8)] : []),
      "Dialtone".padStart(24),
      "ratio".padStart(8),
    );
    for (const m of METRICS) {
      const mmm = (xs: number[]): [number, number, number] => [Math.min(...xs), median(xs), Math.max(...xs)];
      const w = mmm(of("ws", m.key));
      const d = mmm(of("dialtone", m.key));
      const sio = withSio ? mmm(of("socketio", m.key)) : undefined;
      const ratio = d[1] / w[1];
      rows.push({ n, metric: m.label, unit: m.unit, ws: w, dialtone: d, ratio, ...(sio ? { socketio: sio, socketioRatio: sio[1] / w[1] } : {}) });
      const cell = (x: [number, number, number]) => `${x.map((v) => fmt(v, m.digits)).join(" / ")} ${m.unit}`;
      const ratioCell = (r: number) => (m.key === "errors" ? "" : `${fmt(r)}×`);
      console.log(
        m.label.padEnd(30),
        cell(w).padStart(24),
        ...(sio ? [cell(sio).padStart(24), ratioCell(sio[1] / w[1]).padStart(8)] : []),
        cell(d).padStart(24),
        ratioCell(ratio).padStart(8),
      );
    }
    const other = results.filter((r) => r.n === n).map((r) => r.otherCpuPct);
    console.log(`other processes during the ring phases: ${fmt(Math.min(...other), 0)}–${fmt(Math.max(...other), 0)} % of one core`);
  }
  return rows;
}

function goals(rows: Row[]) {
  const at = (n: number, metric: string) => rows.find((r) => r.n === n && r.metric === metric);
  const n = Math.max(...rows.map((r) => r.n));
  const ring = at(n, "ring p50 (invite → incoming)");
  const setup = at(n, "full setup p50");
  const p99 = at(n, "full setup p99");
  const errs = at(n, "errors");
  const rss = at(n, "RSS per idle connected user");
  const out = {
    n,
    P1: {
      ringP50Ratio: ring?.ratio,
      setupP50Ratio: setup?.ratio,
      setupP99Ratio: p99?.ratio,
      errors: errs?.dialtone[2],
      met: !!ring && !!setup && !!p99 && ring.ratio <= 2 && setup.ratio <= 2 && p99.ratio <= 3 && errs?.dialtone[2] === 0,
    },
    P2: { rssPerUserKB: rss?.dialtone[1], met: !!rss && rss.dialtone[1] <= 20 },
  };
  // Below 10,000 users the figures are indicative only (RSS per user at 1,000 is
  // mostly the V8 heap growing in large steps): no verdict.
  const verdict = (met: boolean) => (n < 10_000 ? `${met ? "would be met" : "would not be met"} (not judged below 10,000 users)` : met ? "MET" : "NOT MET");
  console.log(
    `\nGoals at N = ${n.toLocaleString("en")}${n < 10_000 ? " (the goals are defined at 10,000: run without --quick)" : ""}:` +
      `\n  P1 ring p50 ${fmt(out.P1.ringP50Ratio ?? NaN)}× (≤ 2×), setup p50 ${fmt(out.P1.setupP50Ratio ?? NaN)}× (≤ 2×), setup p99 ${fmt(out.P1.setupP99Ratio ?? NaN)}× (≤ 3×), errors ${out.P1.errors} (0): ${verdict(out.P1.met)}` +
      `\n  P2 RSS per idle user ${fmt(out.P2.rssPerUserKB ?? NaN, 1)} KB (≤ 20 KB): ${verdict(out.P2.met)}`,
  );
  return out;
}

async function main() {
  const started = performance.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-b1-"));
  try {
    const maxN = Math.max(...sizes);
    const tSeed = performance.now();
    const s = await seedUsers(dir, maxN, "signaling.db");
    console.log(`seeded ${maxN.toLocaleString("en")} users and ${s.edges.length.toLocaleString("en")} contacts in ${((performance.now() - tSeed) / 1000).toFixed(1)} s`);
    const results: RunResult[] = [];
    for (const n of sizes) {
      const seconds = secondsFor(n);
      for (let repeat = 1; repeat <= repeatsFor(n); repeat++) {
        // Alternate which goes first, so drift on a shared machine hits both alike.
        const impls: Impl[] = withSocketIo ? ["ws", "socketio", "dialtone"] : ["ws", "dialtone"];
        const order = (repeat % 2 === 1 ? impls : [...impls].reverse()).filter((i) => !only || i === only);
        for (const impl of order) {
          const r = await runOnce(impl, s, n, repeat, seconds);
          results.push(r);
          console.log(
            `  N=${n} #${repeat} ${impl.padEnd(8)} ring p50 ${fmt(r.ringP50)} p99 ${fmt(r.ringP99)} · setup p50 ${fmt(r.setupP50)} p99 ${fmt(r.setupP99)} ms · ` +
              `${fmt(r.cpuPerRingUs, 0)} µs/ring ${fmt(r.cpuPerMessageUs, 1)} µs/msg · ${fmt(r.rssPerUserKB, 1)} KB/user (heap ${fmt(r.heapPerUserKB, 1)}) · ${r.rings} rings, ${r.errors} errors` +
              ` · connect ${fmt(r.connectSeconds, 1)} s · loop delay p99 ${fmt(r.loopDelayP99Ms, 1)} max ${fmt(r.loopDelayMaxMs, 0)} ms · server ${fmt(r.serverCpuPct, 0)}% client ${fmt(r.clientCpuPct, 0)}% other ${fmt(r.otherCpuPct, 0)}%` +
              (r.errorSamples.length ? `\n    errors: ${r.errorSamples.join(" | ")}` : ""),
          );
        }
      }
    }
    const rows = report(results);
    if (PHASES) {
      console.log("\nWhere setup time went (p50 over every repeat, ms after the invite was sent):");
      for (const [impl, xs] of phaseSamples) {
        const keys = Object.keys(xs[0] ?? {}) as (keyof Phases)[];
        console.log(`  ${impl.padEnd(8)} ${keys.map((k) => `${k} ${fmt(median(xs.map((x) => x[k])))}`).join(" · ")}`);
      }
    }
    const goalSummary = goals(rows);
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nB1 took ${seconds.toFixed(0)} s`);
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile(
      "bench/results/signaling.json",
      JSON.stringify(
        { date: new Date().toISOString(), node: process.version, cores: os.cpus().length, pinned: pin, rate, quick, seconds, goals: goalSummary, rows, runs: results },
        null,
        2,
      ),
    );
    if (results.some((r) => r.impl === "dialtone" && r.errors > 0)) process.exitCode = 1;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
