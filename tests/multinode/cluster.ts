// Real Dialtone nodes for the multi-node tests: each is `server/index.ts` in
// its own process (production build), on its own port, sharing one database
// and one Redis. Killed by PID when the test process ends.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type DialtoneNode = {
  name: string;
  url: string;
  pid: number;
  /** SIGKILL: the node dies without any cleanup, as in a crash. */
  crash: () => Promise<void>;
  stop: () => Promise<void>;
  /** SIGTERM, as a supervisor stops it: resolves with how it exited and how long it took. */
  terminate: () => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Everything it wrote to stdout and stderr so far (its JSON log lines). */
  output: () => string;
};

const root = path.resolve(import.meta.dirname, "../..");

/**
 * `nodeArgs`: extra Node flags (a benchmark's --cpu-prof, which NODE_OPTIONS may not carry);
 * `startTimeoutMs`: how long it may take to say it is ready (a benchmark on a busy machine).
 */
export async function startNode(
  name: string,
  env: Record<string, string>,
  { nodeArgs = [], startTimeoutMs = 30_000 }: { nodeArgs?: string[]; startTimeoutMs?: number } = {},
): Promise<DialtoneNode> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(root, "server/index.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOSTNAME: "127.0.0.1",
      PORT: "0",
      // Every test and bench client comes from loopback: the per-IP signaling caps would count them as one.
      HANDSHAKES_PER_IP_PER_MINUTE: "1000000",
      SOCKETS_PER_IP: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  let started = false;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${startTimeoutMs / 1000} s:\n${log}`)), startTimeoutMs);
    // Read after the start too (a full pipe would block the node's writes): output() returns it all.
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = started ? null : /Dialtone ready on (http:\/\/[^\s]+)/.exec(log);
      if (m?.[1]) {
        started = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (b: Buffer) => {
      log += b.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log}`));
    });
  });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const waitExit = () =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once("exit", () => r()));
  return {
    name,
    url,
    pid: child.pid ?? -1,
    crash: async () => {
      process.off("exit", kill);
      child.kill("SIGKILL");
      await waitExit();
    },
    stop: async () => {
      process.off("exit", kill);
      child.kill("SIGTERM");
      await waitExit();
    },
    terminate: async () => {
      process.off("exit", kill);
      const t0 = Date.now();
      child.kill("SIGTERM");
      await waitExit();
      return { code: child.exitCode, signal: child.signalCode, ms: Date.now() - t0 };
    },
    output: () => log,
  };
}
