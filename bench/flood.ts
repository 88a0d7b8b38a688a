// B7 flood isolation (issue 13): one user flooding from 20 sockets at full
// speed while other users ring each other. The others' ring latency
// (invite sent → the callee's call:incoming) is measured in alternating
// phases of one run, quiet (no flood) then flood, several times over, so
// the machine's noise hits both; the goal is a ratio against the quiet
// phases of the same run: ring p99 during the flood ≤ 2× quiet.
//
// Three processes: the Dialtone node (bench/signaling-node.ts: the real
// signaling stack without Next, production limits from createLimits()'s
// defaults: 100 events a second per user across sockets, 20 sockets per user,
// 20 rings a minute per user) pinned to core 0 (bench/proc.ts#pinApart); the
// flooder (bench/flood-client.ts) and the ringers (this process) on the
// other cores, the flooder at nice 19 (the ringers' latency must be the node's, not
// their own process's queueing behind the flooder). Writes bench/results/flood.json.
// --per-ip: also the per-IP limits server/index.ts applies by default (120 handshakes a
// minute, 200 sockets per IP), the flooder on a source address of its own (127.0.0.2),
// the ringers on 127.0.0.1. Without it only the per-user limits stand between the
// flooder and the node, as for an abuser with many addresses.
//   node --import tsx bench/flood.ts [--quick] [--per-ip] [--repeats 3] [--seconds 15] [--pairs 40] [--no-pin]
// --quick: 2 repeats of 10 s each phase (under a minute). BENCH_CPU_PROF=<dir> writes a CPU
// profile of the node over the flood phases (flood-<k>.cpuprofile; such a run's figures are not comparable).
import { fork, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { encode } from "next-auth/jwt";
import { io, type Socket } from "socket.io-client";
import { hashPassword } from "../server/auth/password";
import { newSessionId } from "../server/auth/sessions";
import { pairKey } from "../server/authz";
import { migrateSqlite, sqlitePathFromUrl } from "../server/db/migrate";
import { machineCpu, startServerProcess, type ServerProcess } from "./proc";
import { summarise, type Summary } from "./stats";
import { flag, has } from "./args";

const quick = has("--quick");
const repeats = Number(flag("--repeats")) || (quick ? 2 : 3);
const phaseSeconds = Number(flag("--seconds")) || (quick ? 10 : 15);
/** Ringing pairs; each user rings once every 4 s (15 a minute, under the production 20). */
const PAIRS = Number(flag("--pairs")) || 40;
const RING_EVERY_MS = 2_000; // per pair, alternating who calls
const SETTLE_MS = 2_000; // after each switch: rings started then are not counted
const FLOOD_SOCKETS = 20;
const TIMEOUT_MS = 5_000;
const pin = !has("--no-pin");
const perIp = has("--per-ip");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── seed: 2 × PAIRS ringers (each pair contacts), the flooder and its offline contact ──
type User = { id: string; cookie: string };
async function seed(dir: string, n: number) {
  const dbUrl = `file:${path.join(dir, "flood.db")}`;
  migrateSqlite(dbUrl);
  const secret = randomBytes(32).toString("base64url");
  const hash = await hashPassword("bench-password-123");
  const now = new Date().toISOString().replace("Z", "+00:00");
  const ids = Array.from({ length: n }, () => `c${randomBytes(12).toString("hex")}`);
  const sids = ids.map(() => newSessionId());
  const edges: [number, number][] = [];
  for (let i = 0; i + 1 < n; i += 2) edges.push([i, i + 1]);
  const sqlite = new Database(sqlitePathFromUrl(dbUrl));
  const addUser = sqlite.prepare(`INSERT INTO "User" (id, email, name, passwordHash, createdAt, missedSeenAt) VALUES (?, ?, ?, ?, ?, ?)`);
  const addSession = sqlite.prepare(`INSERT INTO "Session" (id, userId, createdAt, lastSeenAt, userAgent, ip) VALUES (?, ?, ?, ?, 'bench', '127.0.0.1')`);
  const addContact = sqlite.prepare(
    `INSERT INTO "Contact" (id, pairKey, requesterId, addresseeId, status, createdAt, respondedAt) VALUES (?, ?, ?, ?, 'accepted', ?, ?)`,
  );
  sqlite.transaction(() => {
    ids.forEach((id, i) => addUser.run(id, `user${i}@bench.test`, `Bench user ${i}`, hash, now, now));
    ids.forEach((id, i) => addSession.run(sids[i]!, id, now, now));
    for (const [a, b] of edges) addContact.run(`k${randomBytes(12).toString("hex")}`, pairKey(ids[a]!, ids[b]!), ids[a]!, ids[b]!, now, now);
  })();
  sqlite.close();
  const users: User[] = await Promise.all(
    ids.map(async (id, i) => ({ id, cookie: `next-auth.session-token=${await encode({ token: { sub: id, name: `Bench user ${i}`, sid: sids[i] }, secret })}` })),
  );
  return { dbUrl, secret, users };
}

// ── ringers ──
type Ring = { t0: number; ms: number };
class Ringer {
  socket!: Socket;
  constructor(readonly user: User) {}
  connect(url: string): Promise<void> {
    this.socket = io(`${url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie: this.user.cookie } });
    return new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", reject);
    });
  }
  next(event: string, callId?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => (this.socket.off(event, on), reject(new Error(`timed out waiting for ${event}`))), TIMEOUT_MS);
      const on = (p: { call?: { id: string }; callId?: string }) => {
        if (callId && (p.call?.id ?? p.callId) !== callId) return;
        clearTimeout(t);
        this.socket.off(event, on);
        resolve(p);
      };
      this.socket.on(event, on);
    });
  }
}
type Ack = { ok: boolean; code?: string; call?: { id: string } };

/** invite → the callee's call:incoming (timed) → cancel → the callee's call:ended. */
async function ringOnce(a: Ringer, b: Ringer): Promise<number> {
  const incoming = b.next("call:incoming");
  const t0 = performance.now();
  const res = (await a.socket.timeout(TIMEOUT_MS).emitWithAck("call:invite", { calleeId: b.user.id, kind: "audio" })) as Ack;
  if (!res.ok || !res.call) throw new Error(`invite: ${res.code}`);
  await incoming;
  const ms = performance.now() - t0;
  const ended = b.next("call:ended", res.call.id);
  const c = (await a.socket.timeout(TIMEOUT_MS).emitWithAck("call:cancel", { callId: res.call.id })) as Ack;
  if (!c.ok) throw new Error(`cancel: ${c.code}`);
  await ended;
  return ms;
}

// ── the flooder process ──
type FloodReport = { sent: number; ok: number; rateLimited: number; otherError: number; disconnects: number; refused: number; reasons: Record<string, number> };
async function startFlooder(url: string, flooder: User, target: User) {
  const child = fork(path.resolve("bench/flood-client.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, FLOOD_URL: url, FLOOD_COOKIE: flooder.cookie, FLOOD_TARGET: target.id, FLOOD_SOCKETS: String(FLOOD_SOCKETS), ...(perIp ? { FLOOD_ADDRESS: "127.0.0.2" } : {}) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  process.once("exit", () => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`flooder exited with ${code}`)));
  });
  return {
    pid: child.pid!,
    start: () => child.send({ type: "start" }),
    stop: () =>
      new Promise<FloodReport>((resolve) => {
        child.once("message", (m: FloodReport) => resolve(m));
        child.send({ type: "stop" });
      }),
    kill: () => child.kill("SIGTERM"),
  };
}

type Phase = { kind: "quiet" | "flood"; repeat: number; from: number; to: number; nodeCpuPct: number; otherCpuPct: number; flood?: FloodReport; loopDelayP99Ms: number };

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-flood-"));
  let server: ServerProcess | undefined;
  try {
    const s = await seed(dir, 2 * PAIRS + 2);
    const ringers = s.users.slice(0, 2 * PAIRS);
    const [flooder, target] = [s.users[2 * PAIRS]!, s.users[2 * PAIRS + 1]!];
    server = await startServerProcess("bench/signaling-node.ts", { BENCH_DB_URL: s.dbUrl, BENCH_SECRET: s.secret, BENCH_PER_IP: perIp ? "1" : "0" }, { pin });
    if (pin && !server.pinned) console.log("  (could not pin the node to a core of its own: taskset missing or one core)");
    const url = `http://127.0.0.1:${server.port}`;
    const flood = await startFlooder(url, flooder, target);
    // The flooder shares the load generator's cores (pinApart put this process on all but core 0).
    if (server.pinned) spawnSync("taskset", ["-a", "-p", "-c", String(1), String(flood.pid)], { stdio: "ignore" });
    // …at the lowest priority: the flooder at full speed would otherwise take core 1 from the
    // ringers, and their own delays would count as the node's. What is measured is the node.
    spawnSync("renice", ["-n", "19", "-p", String(flood.pid)], { stdio: "ignore" });
    const clients = ringers.map((u) => new Ringer(u));
    await Promise.all(clients.map((c) => c.connect(url)));

    const rings: Ring[] = [];
    const errors: string[] = [];
    let ringing = true;
    const pairLoop = async (p: number) => {
      const [x, y] = [clients[2 * p]!, clients[2 * p + 1]!];
      await sleep((p * RING_EVERY_MS) / PAIRS); // spread the pairs over the period
      for (let k = 0; ringing; k++) {
        const t0 = performance.now();
        try {
          const ms = k % 2 === 0 ? await ringOnce(x, y) : await ringOnce(y, x);
          rings.push({ t0, ms });
        } catch (err) {
          errors.push(`${((t0 - started) / 1000).toFixed(1)} s: ${(err as Error).message}`);
          await sleep(500);
        }
        await sleep(Math.max(0, t0 + RING_EVERY_MS - performance.now()));
      }
    };
    const started = performance.now();
    const loops = Array.from({ length: PAIRS }, (_, p) => pairLoop(p));
    await sleep(4_000); // warm-up, not counted

    const phases: Phase[] = [];
    for (let r = 0; r < repeats; r++) {
      for (const kind of ["quiet", "flood"] as const) {
        if (kind === "flood") {
          flood.start();
          server.profile("start");
        }
        await sleep(SETTLE_MS);
        await server.stats(); // resets the node's loop-delay histogram
        const [cpu0, m0, from] = [(await server.stats()).cpuUs, machineCpu(), performance.now()];
        await sleep(phaseSeconds * 1000);
        const st = await server.stats();
        const [m1, to] = [machineCpu(), performance.now()];
        const wallUs = (to - from) * 1000;
        const nodeUs = st.cpuUs - cpu0;
        const phase: Phase = {
          kind,
          repeat: r,
          from,
          to,
          nodeCpuPct: (100 * nodeUs) / wallUs,
          otherCpuPct: (100 * (m1.busyUs - m0.busyUs - nodeUs)) / wallUs,
          loopDelayP99Ms: st.loopDelayP99Ms,
        };
        if (kind === "flood") {
          server.profile("stop", `flood-${r}`);
          phase.flood = await flood.stop();
        }
        phases.push(phase);
        const rs = rings.filter((x) => x.t0 >= from && x.t0 < to).map((x) => x.ms);
        const sm = summarise(rs);
        console.log(
          `  #${r} ${kind.padEnd(5)} rings ${sm.n} p50 ${sm.p50.toFixed(2)} p99 ${sm.p99.toFixed(2)} max ${sm.max.toFixed(2)} ms · node CPU ${phase.nodeCpuPct.toFixed(0)} % · ` +
            `loop delay p99 ${phase.loopDelayP99Ms.toFixed(1)} ms · others ${phase.otherCpuPct.toFixed(0)} % of a core` +
            (phase.flood
              ? ` · flood sent ${phase.flood.sent}, answered ok ${phase.flood.ok} / rate_limited ${phase.flood.rateLimited} / other errors ${phase.flood.otherError}, ` +
                `dropped ${phase.flood.sent - phase.flood.ok - phase.flood.rateLimited - phase.flood.otherError}, disconnects ${phase.flood.disconnects} (${Object.entries(phase.flood.reasons).map(([k, v]) => `${k} ${v}`).join(", ")}), refused connects ${phase.flood.refused}`
              : ""),
        );
      }
    }
    ringing = false;
    await Promise.all(loops);
    flood.kill();

    const of = (kind: Phase["kind"]) => rings.filter((x) => phases.some((p) => p.kind === kind && x.t0 >= p.from && x.t0 < p.to)).map((x) => x.ms);
    const quiet: Summary = summarise(of("quiet"));
    const during: Summary = summarise(of("flood"));
    const ratio = during.p99 / quiet.p99;
    const p50Ratio = during.p50 / quiet.p50;
    const floods = phases.filter((p) => p.flood).map((p) => ({ ...p.flood!, secs: (p.to - p.from) / 1000 + SETTLE_MS / 1000 }));
    const sum = (k: keyof Omit<FloodReport, "reasons">) => floods.reduce((a, f) => a + f[k], 0);
    const floodSecs = floods.reduce((a, f) => a + f.secs, 0);
    const nodeCpu = (kind: Phase["kind"]) => phases.filter((p) => p.kind === kind).map((p) => p.nodeCpuPct);
    const met = ratio <= 2 && errors.length === 0;
    console.log(
      `\nB7 flood isolation: ${PAIRS} pairs ringing (one ring every ${RING_EVERY_MS / 1000} s per pair), one user flooding from ${FLOOD_SOCKETS} sockets; ` +
        `${repeats} × (quiet ${phaseSeconds} s, flood ${phaseSeconds} s), ${perIp ? "per-user and per-IP limits" : "per-user limits only"}, ${server.pinned ? "node pinned to core 0, flooder and ringers on the others" : "not pinned"}`,
    );
    console.log(`  ring (invite → call:incoming) quiet  p50 ${quiet.p50.toFixed(2)} ms, p99 ${quiet.p99.toFixed(2)} ms (${quiet.n} rings)`);
    console.log(`  ring (invite → call:incoming) flood  p50 ${during.p50.toFixed(2)} ms, p99 ${during.p99.toFixed(2)} ms (${during.n} rings)`);
    console.log(`  ratio flood / quiet: p50 ${p50Ratio.toFixed(2)}×, p99 ${ratio.toFixed(2)}×`);
    console.log(
      `  flooder: ${sum("sent").toLocaleString("en")} events sent in ${floodSecs.toFixed(0)} s (${(sum("sent") / floodSecs).toFixed(0)}/s), answered ok ${sum("ok")} (${(sum("ok") / floodSecs).toFixed(0)}/s), ` +
        `rate_limited ${sum("rateLimited").toLocaleString("en")}, other errors ${sum("otherError").toLocaleString("en")}, dropped unanswered ${(sum("sent") - sum("ok") - sum("rateLimited") - sum("otherError")).toLocaleString("en")}, ` +
        `disconnects ${sum("disconnects")}, refused connects ${sum("refused")}`,
    );
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} %`;
    console.log(`  node CPU: quiet ${range(nodeCpu("quiet"))}, flood ${range(nodeCpu("flood"))} of a core; ring errors ${errors.length}${errors.length ? ` (${errors.slice(0, 3).join("; ")})` : ""}`);
    console.log(`flood isolation${perIp ? " (per-IP limits too)" : ""}: ring p99 ${ratio.toFixed(2)}× quiet (goal ≤ 2×): ${met ? "MET" : "NOT MET"}`);
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile(
      "bench/results/flood.json",
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cores: os.cpus().length,
          pinned: server.pinned,
          quick,
          perIp,
          pairs: PAIRS,
          floodSockets: FLOOD_SOCKETS,
          repeats,
          phaseSeconds,
          goal: { ringP99Ratio: ratio, ringP50Ratio: p50Ratio, threshold: 2, met },
          quiet,
          flood: during,
          phases: phases.map(({ from, to, ...p }) => ({ ...p, seconds: (to - from) / 1000 })),
          errors,
        },
        null,
        2,
      ),
    );
    if (errors.length > 0) process.exitCode = 1;
  } finally {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
