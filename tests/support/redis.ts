// A throwaway redis-server for tests: its own temp dir, a free loopback port,
// no persistence; stopped (by PID) and removed afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type TestRedis = { url: string; port: number; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "yes"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.once("error", (err) =>
      reject(new Error(`redis-server could not start (${err.message}). Install it: apt-get install -y redis-server`)),
    );
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("redis-server did not start in 10 s")), 10_000).unref());
  await Promise.race([ready, timeout]);
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.off("exit", kill);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
