// A real coturn (`turnserver`, Debian package `coturn`) on loopback for the e2e
// suite, configured the way Dialtone uses TURN: use-auth-secret (time-limited
// HMAC credentials), no TLS, relaying between loopback addresses only.
// Started and stopped by its PID; ready once it answers a STUN Binding request.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import path from "node:path";

export type CoturnOptions = {
  port: number;
  secret: string;
  realm: string;
  minPort: number;
  maxPort: number;
  /** Directory for the log, pid file and (empty) user database. */
  dir: string;
  /** Defaults to TURNSERVER_PATH (set by scripts/e2e.mjs) or `turnserver` on PATH. */
  binary?: string;
};

export type Coturn = { pid: number; logFile: string; stop: () => Promise<void> };

export async function startCoturn(o: CoturnOptions): Promise<Coturn> {
  fs.mkdirSync(o.dir, { recursive: true });
  const logFile = path.join(o.dir, "turnserver.log");
  const binary = o.binary ?? process.env.TURNSERVER_PATH ?? "turnserver";
  const args = [
    "-n", // no config file: everything is on this command line
    "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1",
    `--listening-port=${o.port}`,
    `--min-port=${o.minPort}`,
    `--max-port=${o.maxPort}`,
    `--realm=${o.realm}`,
    "--use-auth-secret",
    `--static-auth-secret=${o.secret}`,
    // Both browsers are on 127.0.0.1: without this coturn answers CreatePermission with 403.
    "--allow-loopback-peers",
    "--no-multicast-peers",
    "--fingerprint",
    "--no-tls",
    "--no-dtls",
    "--no-cli",
    `--pidfile=${path.join(o.dir, "turnserver.pid")}`,
    `--userdb=${path.join(o.dir, "turnserver.db")}`,
    `--log-file=${logFile}`,
    "--simple-log",
    // One line per allocation / refresh / permission with its username: specs read them.
    "--verbose",
  ];
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => void (stderr += d.toString()));
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err) => resolve(`could not start ${binary}: ${err.message}`));
    child.once("exit", (code, signal) => resolve(`turnserver exited (${code ?? signal})`));
  });
  // If the runner dies without its teardown, do not leave coturn behind.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const ready = await Promise.race([stunAnswers(o.port, 10_000), exited]);
  if (ready !== true) {
    killOnExit();
    const hint = ready === false ? `no STUN answer on 127.0.0.1:${o.port} within 10 s` : ready;
    throw new Error(`[coturn] ${hint}\n${stderr}${tail(logFile)}\nInstall coturn with: node scripts/ensure-coturn.mjs`);
  }

  return {
    pid: child.pid!,
    logFile,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Lines of coturn's log (empty when it does not exist). */
export function readCoturnLog(logFile: string | undefined): string {
  if (!logFile) return "";
  try {
    return fs.readFileSync(logFile, "utf8");
  } catch {
    return "";
  }
}

function tail(file: string, lines = 30): string {
  return readCoturnLog(file).split("\n").slice(-lines).join("\n");
}

/** Sends STUN Binding requests to 127.0.0.1:port every 100 ms until one is answered. */
async function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  const socket = dgram.createSocket("udp4");
  // 20-byte header: Binding request, no attributes, magic cookie, random transaction id.
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => socket.send(request, port, "127.0.0.1", () => undefined), 100);
      const giveUp = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve(ok);
      };
      socket.on("message", (msg) => {
        // Binding success response (0x0101) with our transaction id.
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(request.subarray(8, 20))) finish(true);
      });
      socket.on("error", () => undefined);
    });
  } finally {
    socket.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
