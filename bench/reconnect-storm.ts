// B6 reconnect storm (P6): two real Dialtone nodes (server/index.ts, production
// build, as tests/multinode/cluster.ts starts them) over a throwaway
// redis-server, sharing one SQLite file; N authenticated users connected to
// node A; SIGKILL node A. Measures the time from the kill until every user is
// connected and authenticated again (on node B: the namespace's CONNECT came
// back, i.e. the handshake's session check passed), and until each has
// re-synced as the browser does (session:sync + presence:list answered);
// errors; presence as the users' contacts see it (a sample); a ring placed 1 s
// after the last reconnection. Then the in-place restart: every user on B,
// SIGKILL B, start it again on the same port: time from the process's start
// (and from its "ready" line) until every user is back.
//
// Floor in the same run: raw `ws` clients reconnecting the same way to a raw
// `ws` server (bench/ws-baseline.ts, two of them: one killed) → its connect
// rate. Connect rate = reconnections / (last − first reconnection), the same
// for both; the storm's should be ≥ 0.35× the floor's (P6).
//
// Clients: bench/storm-clients.ts, in GENERATORS processes of their own, with
// the browser's reconnection options and failover over the node list [A, B]
// (see that file). Sources: SOURCE_ADDRESSES loopback addresses. The nodes'
// per-IP caps (SOCKETS_PER_IP, HANDSHAKES_PER_IP_PER_MINUTE) are raised for
// the bench: its 16 source addresses stand for 10,000 users' own addresses.
// Writes bench/results/reconnect-storm.json.
//   node --import tsx bench/reconnect-storm.ts [--quick] [--n 10000] [--no-restart]
// Defaults: N = 10,000; --quick: N = 1,000. BENCH_CPU_PROF=<dir>: node B runs
// with --cpu-prof (a profile of its whole life, written when it is stopped; such a
// run's figures are not comparable).
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startNode, type DialtoneNode } from "../tests/multinode/cluster";
import { freePort, startRedis } from "../tests/support/redis";
import { machineCpu, startServerProcess } from "./proc";
import { reexecWithRaisedFdLimit, seedUsers, type Seed } from "./users";
import { flag, has } from "./args";

reexecWithRaisedFdLimit();

const quick = has("--quick");
const n = Number(flag("--n")) || (quick ? 1_000 : 10_000);
const withRestart = !has("--no-restart");
const GENERATORS = 2;
const SOURCE_ADDRESSES = Array.from({ length: 16 }, (_, k) => `127.0.${k + 1}.1`);
const BACK_TIMEOUT_MS = 90_000;
/** A node's start (Next's prepare) takes 5–10 s here, over 30 s when the machine is loaded. */
const START_TIMEOUT_MS = 120_000;
const PRESENCE_SAMPLE = 200;
const GOAL_SECONDS = 10;
const GOAL_RATIO = 0.35;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── the load generator processes ──────────────────────────────────────────────
type Reply = Record<string, unknown> & { type: string };
class Generator {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  progress = { back: 0, synced: 0, total: 0 };
  constructor() {
    this.child = fork(path.resolve("bench/storm-clients.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: Reply) => {
      if (m.type === "progress") this.progress = m as never;
      else if (m.type === "error") {
        // The command failed in the generator: its request fails now (it would wait for an answer that never comes).
        console.error(`  [generator] ${String(m.command)}: ${String(m.message)}`);
        this.waiting.get(String(m.command))?.reject(new Error(`generator: ${String(m.command)} failed: ${String(m.message)}`));
        this.waiting.delete(String(m.command));
      } else {
        this.waiting.get(m.type)?.resolve(m);
        this.waiting.delete(m.type);
      }
    });
    process.once("exit", () => this.child.kill("SIGKILL"));
  }
  request<T extends Reply>(m: Record<string, unknown> & { type: string }, timeoutMs = 300_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`generator: no answer to ${m.type} in ${timeoutMs / 1000} s`)), timeoutMs);
      this.waiting.set(m.type, {
        resolve: (r) => {
          clearTimeout(t);
          resolve(r as T);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      this.child.send(m);
    });
  }
  get cpuSeconds(): number {
    return procCpuSeconds(this.child.pid ?? -1);
  }
}

/** A process's CPU time so far (user + system), from /proc; NaN when unavailable. */
function procCpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

type Check = { backAt: number[]; syncedAt: number[]; backTo: Record<string, number>; failedAttempts: { refused: number; timeout: number }; errors: string[]; pushedOk: number; listOk: number; sampled: number; wrong: string[] };
type Storm = {
  /** From the kill (or the new process's start) to the last user authenticated again, s. */
  allBackS: number;
  allSyncedS: number;
  firstBackS: number;
  /** Reconnections per second between the first and the last one. */
  connectRate: number;
  back: number;
  errors: number;
  errorSamples: string[];
  backTo: Record<string, number>;
  /** Reconnection attempts that failed: refused (the node was down) or timed out (20 s without an answer). */
  failedAttempts: { refused: number; timeout: number };
  presence?: { sampled: number; pushedOk: number; listOk: number; wrong: string[] };
  nodeCpuS?: number;
  /** The load generators' CPU meanwhile (both processes). */
  clientCpuS?: number;
  otherCpuPct?: number;
};

function usersFor(s: Seed, count: number) {
  const contacts: string[][] = Array.from({ length: count }, () => []);
  for (const [a, b] of s.edges) {
    if (a >= count || b >= count) continue;
    contacts[a]!.push(s.users[b]!.id);
    contacts[b]!.push(s.users[a]!.id);
  }
  return s.users.slice(0, count).map((u, i) => ({ ...u, contacts: contacts[i]! }));
}

/** Users round-robin over the generators: user i in generator i % GENERATORS. */
async function startGenerators(mode: "dialtone" | "ws", s: Seed, urls: string[]): Promise<{ gens: Generator[]; seconds: number; errors: string[] }> {
  const all = usersFor(s, n);
  const gens = Array.from({ length: GENERATORS }, () => new Generator());
  const t0 = performance.now();
  const inits = await Promise.all(
    gens.map((g, k) => g.request<Reply & { errors: string[] }>({ type: "init", mode, urls, sourceAddresses: SOURCE_ADDRESSES, users: all.filter((_, i) => i % GENERATORS === k) })),
  );
  return { gens, seconds: (performance.now() - t0) / 1000, errors: inits.flatMap((r) => r.errors) };
}

/** Arms the generators, runs `strike` (the kill), waits until every user is back; returns the clients' figures. */
async function storm(gens: Generator[], strike: () => Promise<number>, sample: string[], opts: { nodePid?: () => number } = {}): Promise<Storm & { check: Check[]; t0: number }> {
  await Promise.all(gens.map((g) => g.request({ type: "arm" })));
  for (const g of gens) g.progress = { back: 0, synced: 0, total: 0 };
  const cpu0 = machineCpu();
  const gensCpu0 = gens.reduce((a, g) => a + g.cpuSeconds, 0);
  const t0 = await strike();
  const nodeCpu0 = opts.nodePid ? procCpuSeconds(opts.nodePid()) : NaN;
  const deadline = Date.now() + BACK_TIMEOUT_MS;
  let lastPrint = 0;
  while (Date.now() < deadline) {
    await sleep(100);
    const back = gens.reduce((a, g) => a + g.progress.synced, 0);
    if (Date.now() - lastPrint > 2_000) {
      lastPrint = Date.now();
      console.log(`    ${((Date.now() - t0) / 1000).toFixed(1)} s: ${gens.reduce((a, g) => a + g.progress.back, 0)} back, ${back} synced of ${n}`);
    }
    if (back >= n) break;
  }
  const nodeCpuS = opts.nodePid ? procCpuSeconds(opts.nodePid()) - nodeCpu0 : undefined;
  const cpu1 = machineCpu();
  const gensCpuS = gens.reduce((a, g) => a + g.cpuSeconds, 0) - gensCpu0;
  // Presence is pushed in batches 50 ms after a connect (server/signaling/index.ts), behind a Redis
  // round trip: what the last users' contacts are shown is judged a second later, not at once.
  await sleep(1_000);
  const check = await Promise.all(gens.map((g) => g.request<Reply & Check>({ type: "check", sample })));
  const backAt = check.flatMap((c) => c.backAt).filter((t) => t > 0);
  const syncedAt = check.flatMap((c) => c.syncedAt).filter((t) => t > 0);
  const first = Math.min(...backAt);
  const last = Math.max(...backAt);
  const errorSamples = check.flatMap((c) => c.errors);
  if (backAt.length < n) errorSamples.push(`${n - backAt.length} users not back within ${BACK_TIMEOUT_MS / 1000} s`);
  const backTo: Record<string, number> = {};
  for (const c of check) for (const [k, v] of Object.entries(c.backTo)) backTo[k] = (backTo[k] ?? 0) + v;
  // What else ran on the machine meanwhile (other engineers' work): all busy CPU but the node and the generators.
  const wall = (cpu1.totalUs - cpu0.totalUs) / 1e6;
  const otherCpuPct = ((cpu1.busyUs - cpu0.busyUs) / 1e6 - (nodeCpuS ?? 0) - gensCpuS) / (wall / os.cpus().length) * 100;
  return {
    t0,
    check,
    allBackS: backAt.length === n ? (last - t0) / 1000 : NaN,
    allSyncedS: syncedAt.length === n ? (Math.max(...syncedAt) - t0) / 1000 : NaN,
    firstBackS: (first - t0) / 1000,
    connectRate: backAt.length / Math.max((last - first) / 1000, 1e-3),
    back: backAt.length,
    errors: errorSamples.length,
    errorSamples: errorSamples.slice(0, 8),
    backTo,
    failedAttempts: {
      refused: check.reduce((a, c) => a + (c.failedAttempts?.refused ?? 0), 0),
      timeout: check.reduce((a, c) => a + (c.failedAttempts?.timeout ?? 0), 0),
    },
    nodeCpuS,
    clientCpuS: gensCpuS,
    otherCpuPct,
  };
}

async function stopGenerators(gens: Generator[]) {
  await Promise.all(gens.map((g) => g.request({ type: "stop" }, 10_000).catch(() => undefined)));
}

// ── the floor: raw ws clients and servers ──────────────────────────────────────
async function floor(s: Seed): Promise<Storm> {
  const [w1, w2] = await Promise.all([startServerProcess("bench/ws-baseline.ts"), startServerProcess("bench/ws-baseline.ts")]);
  try {
    const urls = [`http://127.0.0.1:${w1.port}`, `http://127.0.0.1:${w2.port}`];
    const { gens, seconds } = await startGenerators("ws", s, urls);
    console.log(`  raw ws: ${n.toLocaleString("en")} connected in ${seconds.toFixed(1)} s; SIGKILL server 1`);
    await sleep(1_000);
    const r = await storm(gens, async () => {
      const t = Date.now();
      process.kill(w1.pid, "SIGKILL");
      return t;
    }, [], { nodePid: () => w2.pid });
    await stopGenerators(gens);
    return r;
  } finally {
    await Promise.all([w1.stop(), w2.stop()].map((p) => p.catch(() => undefined)));
  }
}

// ── the storm: two Dialtone nodes ────────────────────────────────────────────
async function dialtone(s: Seed) {
  const redis = await startRedis();
  const [portA, portB] = [await freePort(), await freePort()];
  const env = (port: number): Record<string, string> => ({
    DATABASE_URL: s.dbUrl,
    AUTH_SECRET: s.secret,
    REDIS_URL: redis.url,
    PORT: String(port),
    // The bench's 16 loopback source addresses stand for 10,000 users' own: the per-IP caps
    // (200 sockets, 120 handshakes a minute by default) would refuse them.
    SOCKETS_PER_IP: "1000000",
    HANDSHAKES_PER_IP_PER_MINUTE: "1000000",
    RING_TIMEOUT_SECONDS: "30",
  });
  const prof = process.env.BENCH_CPU_PROF;
  const nodeB = (name: string) =>
    startNode(name, env(portB), { nodeArgs: prof ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(prof, name)}`] : [], startTimeoutMs: START_TIMEOUT_MS });
  let a: DialtoneNode | undefined;
  let b: DialtoneNode | undefined;
  let gens: Generator[] = [];
  /** The restarted node while it starts (stopped in the end even if the storm ended before it was ready). */
  let restarting: Promise<DialtoneNode> | undefined;
  try {
    // Both started; if one fails, the other is still stopped below.
    const nodes = await Promise.allSettled([startNode("a", env(portA), { startTimeoutMs: START_TIMEOUT_MS }), nodeB("b")]);
    a = nodes[0].status === "fulfilled" ? nodes[0].value : undefined;
    b = nodes[1].status === "fulfilled" ? nodes[1].value : undefined;
    for (const r of nodes) if (r.status === "rejected") throw r.reason;
    if (!a || !b) throw new Error("a node did not start");
    const urls = [a.url, b.url];
    const started = await startGenerators("dialtone", s, urls);
    gens = started.gens;
    console.log(`  Dialtone: ${n.toLocaleString("en")} connected to node A in ${started.seconds.toFixed(1)} s${started.errors.length ? ` (${started.errors.length} errors: ${started.errors.slice(0, 3).join(" | ")})` : ""}; SIGKILL node A`);
    await sleep(3_000); // presence batches and the like settle
    const sample = pickSample(s);
    const nodeA = a;
    const kill = await storm(gens, async () => {
      const t = Date.now();
      await nodeA.crash();
      return t;
    }, sample, { nodePid: () => b!.pid });
    a = undefined;
    // What node B logged as errors during the storm (its JSON log lines, level ≥ 50), for the report.
    const bErrors = b.output().split("\n").filter((l) => /"level":(50|60)/.test(l));
    if (bErrors.length) console.log(`  node B logged ${bErrors.length} errors, e.g.: ${bErrors.slice(0, 3).map((l) => l.slice(0, 300)).join(" | ")}`);
    // A ring between two of the storm's users (contacts: user 0 and user 2, both in generator 0), 1 s after the last reconnection.
    const lastBack = kill.t0 + kill.allBackS * 1000;
    await sleep(Math.max(0, lastBack + 1_000 - Date.now()));
    const ring = await gens[0]!.request<Reply & { ok: boolean; ms: number; why: string }>({ type: "ring", caller: s.users[0]!.id, callee: s.users[2]!.id });

    let restart: (Storm & { readyS: number; fromReadyS: number }) | undefined;
    if (withRestart) {
      // Everyone is on B now: restart B in place (same port; the clients' list is B alone, as with one node).
      await Promise.all(gens.map((g) => g.request({ type: "urls", urls: [b!.url] })));
      await sleep(2_000);
      let ready = 0;
      const nodeBefore = b;
      const r = await storm(gens, async () => {
        await nodeBefore.crash();
        const t = Date.now();
        // Started without awaiting: the clients' attempts run meanwhile.
        restarting = nodeB("b2").then((x) => {
          ready = Date.now();
          b = x;
          return x;
        });
        return t;
      }, sample, { nodePid: () => b?.pid ?? -1 });
      restart = { ...r, readyS: (ready - r.t0) / 1000, fromReadyS: r.allBackS - (ready - r.t0) / 1000 };
    }
    await stopGenerators(gens);
    gens = [];
    return { kill, ring, restart };
  } finally {
    await stopGenerators(gens);
    const late = await restarting?.catch(() => undefined);
    await Promise.all([a?.stop(), b?.stop(), late !== b ? late?.stop() : undefined].map((p) => p?.catch(() => undefined)));
    await redis.stop();
  }
}

/** Users whose contacts are checked (not the ring's users 0–4). */
function pickSample(s: Seed): string[] {
  const out = new Set<string>();
  while (out.size < Math.min(PRESENCE_SAMPLE, n - 5)) out.add(s.users[5 + Math.floor(Math.random() * (n - 5))]!.id);
  return [...out];
}

const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(d));

async function main() {
  const started = performance.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-b6-"));
  try {
    const tSeed = performance.now();
    const s = await seedUsers(dir, n, "storm.db");
    console.log(`seeded ${n.toLocaleString("en")} users and ${s.edges.length.toLocaleString("en")} contacts in ${((performance.now() - tSeed) / 1000).toFixed(1)} s`);
    const ws = await floor(s);
    console.log(`  raw ws: all back ${f(ws.allBackS)} s after the kill, ${f(ws.connectRate, 0)} connects/s, ${ws.errors} errors`);
    const d = await dialtone(s);
    const { kill, ring, restart } = d;
    const ratio = kill.connectRate / ws.connectRate;
    const presenceOk = kill.check.reduce((a, c) => a + c.pushedOk, 0);
    const listOk = kill.check.reduce((a, c) => a + c.listOk, 0);
    const sampled = kill.check.reduce((a, c) => a + c.sampled, 0);
    const wrong = kill.check.flatMap((c) => c.wrong);
    console.log(`\nB6 reconnect storm, ${n.toLocaleString("en")} users, ${GENERATORS} client processes, ${os.cpus().length} cores (${new Date().toISOString()})`);
    console.log("scenario".padEnd(34), "first back".padStart(11), "all back".padStart(10), "all synced".padStart(11), "connects/s".padStart(11), "ratio".padStart(7), "errors".padStart(7), "node CPU".padStart(9), "client CPU".padStart(11), "other CPU".padStart(10));
    const row = (name: string, r: Storm, base = ws) =>
      console.log(
        name.padEnd(34),
        `${f(r.firstBackS)} s`.padStart(11),
        `${f(r.allBackS)} s`.padStart(10),
        `${f(r.allSyncedS)} s`.padStart(11),
        f(r.connectRate, 0).padStart(11),
        `${f(r.connectRate / base.connectRate)}×`.padStart(7),
        String(r.errors).padStart(7),
        `${f(r.nodeCpuS, 1)} s`.padStart(9),
        `${f(r.clientCpuS, 1)} s`.padStart(11),
        `${f(r.otherCpuPct, 0)} %`.padStart(10),
      );
    row("raw ws, server 1 killed", ws);
    row("Dialtone, node A SIGKILLed", kill);
    if (restart) row("Dialtone, node B restarted in place", restart);
    console.log(`  back on: ${Object.entries(kill.backTo).map(([k, v]) => `${k} ${v}`).join(", ")}; failed attempts: ${kill.failedAttempts.refused} refused (node down), ${kill.failedAttempts.timeout} timed out`);
    if (restart) console.log(`  restart in place, failed attempts: ${restart.failedAttempts.refused} refused (node down), ${restart.failedAttempts.timeout} timed out`);
    if (restart) console.log(`  restart in place: the new process was ready ${f(restart.readyS)} s after its start; every user back ${f(restart.allBackS)} s after its start (${f(restart.fromReadyS)} s after ready)`);
    console.log(`  presence after the storm: ${presenceOk}/${sampled} sampled users' contacts all shown online (pushed), ${listOk}/${sampled} in a fresh presence:list${wrong.length ? `; wrong: ${wrong.join(" | ")}` : ""}`);
    console.log(`  ring 1 s after the last reconnection: ${ring.ok ? `delivered in ${f(ring.ms)} ms` : `NOT delivered (${ring.why})`}`);
    for (const [name, r] of [["raw ws", ws], ["storm", kill], ["restart", restart]] as const) if (r?.errorSamples.length) console.log(`  ${name} errors: ${r.errorSamples.join(" | ")}`);
    const met = {
      withinGoal: kill.allBackS <= GOAL_SECONDS,
      ratio: ratio >= GOAL_RATIO,
      errors: kill.errors === 0,
      presence: presenceOk === sampled && listOk === sampled,
      ring: ring.ok,
    };
    const verdict = (ok: boolean) => (n < 10_000 ? `${ok ? "would be met" : "would not be met"} (not judged below 10,000 users)` : ok ? "MET" : "NOT MET");
    console.log(
      `\nP6 at N = ${n.toLocaleString("en")}: kill → all back ${f(kill.allBackS)} s (≤ ${GOAL_SECONDS} s), connect rate ${f(ratio)}× raw ws (≥ ${GOAL_RATIO}×), ` +
        `errors ${kill.errors} (0), presence ${met.presence ? "ok" : "WRONG"}, ring ${met.ring ? "ok" : "FAILED"}: ${verdict(Object.values(met).every(Boolean))}`,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nB6 took ${seconds.toFixed(0)} s`);
    await fs.mkdir("bench/results", { recursive: true });
    const strip = ({ check: _c, t0: _t, ...r }: Storm & { check?: unknown; t0?: unknown }) => r;
    await fs.writeFile(
      "bench/results/reconnect-storm.json",
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cores: os.cpus().length,
          n,
          quick,
          seconds,
          ratio,
          met,
          ws,
          kill: { ...strip(kill), presence: { sampled, pushedOk: presenceOk, listOk, wrong } },
          ring,
          restart: restart && strip(restart),
        },
        null,
        2,
      ),
    );
    if (!met.errors || !met.ring) process.exitCode = 1;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
