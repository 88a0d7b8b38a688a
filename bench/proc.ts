// Server processes for benchmarks: a server entry (bench/signaling-node.ts,
// bench/ws-baseline.ts) runs in its own process so that its CPU time and RSS
// are its own; it reports them over the IPC channel on request. Also: the
// machine-wide CPU counters, to tell whether other processes were busy.
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";

export type ServerStats = { cpuUs: number; rss: number; heapUsed: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
type Reply = { type: "stats"; id: number } & ServerStats;

/** In the server process: announce the port and answer stats requests. */
export function serveStats(port: number): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("start this file through bench/proc.ts (it needs an IPC channel)");
  // BENCH_CPU_PROF=<dir>: the bench asks for a V8 CPU profile of its measured phase (for
  // profiling only: the profiler itself costs CPU, so such a run's figures are not comparable).
  let profiler: Session | undefined;
  // Event-loop delay since the previous stats request: a busy or blocked loop delays every message.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  process.on("message", async (m: { type?: string; id?: number; gc?: boolean; name?: string }) => {
    if (m.type === "profile-start" && process.env.BENCH_CPU_PROF) {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      // BENCH_CPU_PROF_US: the sampling interval (µs; V8's default is 1,000).
      if (process.env.BENCH_CPU_PROF_US) await profiler.post("Profiler.setSamplingInterval", { interval: Number(process.env.BENCH_CPU_PROF_US) });
      await profiler.post("Profiler.start");
    }
    if (m.type === "profile-stop" && profiler && process.env.BENCH_CPU_PROF) {
      const { profile } = await profiler.post("Profiler.stop");
      fs.mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
      fs.writeFileSync(path.join(process.env.BENCH_CPU_PROF, `${m.name ?? process.pid}.cpuprofile`), JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
    }
    if (m.type !== "stats") return;
    // A full GC first (both servers alike), so RSS is not whatever garbage happened to be pending.
    if (m.gc) (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    if (process.env.BENCH_MEM_DEBUG) console.error(memoryBreakdown(mem));
    const loopDelay = { loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6 };
    loop.reset();
    send({ type: "stats", id: m.id ?? 0, cpuUs: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, ...loopDelay } satisfies Reply);
  });
  // The bench process is gone (crashed, interrupted): do not linger.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port });
}

/**
 * BENCH_MEM_DEBUG=1: where the server's memory is, printed on every stats request: V8's
 * spaces (committed / used) and resident memory by kind of mapping from /proc/self/smaps
 * (V8 pages are anonymous mappings under 1 MB; [heap] is malloc's main arena).
 */
function memoryBreakdown(mem: NodeJS.MemoryUsage): string {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const spaces = v8.getHeapSpaceStatistics().map((x) => `${x.space_name.replace("_space", "")} ${mb(x.space_size)}/${mb(x.space_used_size)}`);
  const resident = new Map<string, number>();
  let kind = "";
  try {
    for (const line of fs.readFileSync("/proc/self/smaps", "utf8").split("\n")) {
      const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) {
        const bytes = parseInt(head[2]!, 16) - parseInt(head[1]!, 16);
        const name = head[3] ?? "";
        kind = name.startsWith("/") ? "files" : name || (bytes >= 2 ** 20 ? "anon>=1M" : "anon<1M");
      } else if (line.startsWith("Rss:")) resident.set(kind, (resident.get(kind) ?? 0) + Number(line.split(/\s+/)[1]) * 1024);
    }
  } catch {
    // no /proc (not Linux)
  }
  return (
    `[mem] rss ${mb(mem.rss)} MB, heap ${mb(mem.heapUsed)} used of ${mb(mem.heapTotal)}; spaces (committed/used): ${spaces.join(", ")}; ` +
    `resident by mapping: ${[...resident].filter(([, v]) => v >= 2 ** 20).map(([k, v]) => `${k} ${mb(v)}`).join(", ")}`
  );
}

export type ServerProcess = {
  port: number;
  pid: number;
  /** Whether the server runs on a core of its own (pinApart). */
  pinned: boolean;
  /** Starts / stops (and writes) a CPU profile when BENCH_CPU_PROF is set; otherwise nothing. */
  profile(action: "start" | "stop", name?: string): void;
  stats(gc?: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
};

/** Starts `entry` (a .ts file) as a child process with an IPC channel; resolves once it listens. */
/**
 * The server on core 0, this process (the load generator) on the others, as
 * in production, where clients never run on the server's machine. Left to
 * the scheduler, a message the server writes wakes the client on the server's
 * own core, and the client's handling of it (the next messages included) runs
 * in the middle of the server's handler: measured on this machine, the write
 * of call:accepted took 316 µs (median) shared and 62 µs apart. Needs taskset
 * (util-linux) and at least 2 cores; otherwise nothing is pinned (returns false).
 */
export function pinApart(serverPid: number): boolean {
  const cores = (initialCores ??= allowedCores());
  if (cores.length < 2) return false;
  const server = spawnSync("taskset", ["-a", "-p", "-c", String(cores[0]), String(serverPid)], { stdio: "ignore" });
  const client = spawnSync("taskset", ["-a", "-p", "-c", cores.slice(1).join(","), String(process.pid)], { stdio: "ignore" });
  return server.status === 0 && client.status === 0;
}
/** The cores this process may run on before it pinned itself (it pins itself on the first pinApart). */
let initialCores: number[] | undefined;
function allowedCores(): number[] {
  const r = spawnSync("taskset", ["-c", "-p", String(process.pid)], { encoding: "utf8" });
  const list = r.status === 0 ? (r.stdout.split(":").pop() ?? "").trim() : "";
  const out: number[] = [];
  for (const part of list.split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let c = a!; c <= (b ?? a!); c++) out.push(c);
  }
  return out;
}

export async function startServerProcess(entry: string, env: Record<string, string> = {}, opts: { pin?: boolean } = {}): Promise<ServerProcess> {
  const child: ChildProcess = fork(path.resolve(entry), [], {
    // BENCH_NODE_FLAGS: extra V8/Node flags for the server (analysis, e.g. --trace-gc).
    execArgv: ["--import", "tsx", "--expose-gc", ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [])],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pinned = Boolean(opts.pin && child.pid && pinApart(child.pid));
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in 60 s`)), 60_000);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m.type === "ready" && typeof m.port === "number") {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}`));
    });
  });
  let nextId = 0;
  const pending = new Map<number, (s: ServerStats) => void>();
  child.on("message", (m: Partial<Reply>) => {
    if (m.type !== "stats" || m.id === undefined) return;
    pending.get(m.id)?.({
      cpuUs: m.cpuUs ?? NaN,
      rss: m.rss ?? NaN,
      heapUsed: m.heapUsed ?? NaN,
      loopDelayP99Ms: m.loopDelayP99Ms ?? NaN,
      loopDelayMaxMs: m.loopDelayMaxMs ?? NaN,
    });
    pending.delete(m.id);
  });
  return {
    port,
    pid: child.pid ?? -1,
    pinned,
    profile: (action, name) => {
      if (process.env.BENCH_CPU_PROF) child.send({ type: `profile-${action}`, name });
    },
    stats: (gc = false) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => reject(new Error("stats request timed out")), 30_000);
        pending.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        child.send({ type: "stats", id, gc });
      }),
    stop: async () => {
      process.off("exit", kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Machine-wide CPU time from /proc/stat, in µs: busy (everything but idle and iowait) and total. */
export function machineCpu(): { busyUs: number; totalUs: number } {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const tick = 1e6 / 100; // USER_HZ is 100 on Linux
    return { busyUs: (total - idle) * tick, totalUs: total * tick };
  } catch {
    return { busyUs: NaN, totalUs: NaN };
  }
}
