// A throwaway PostgreSQL cluster for tests: `initdb` into a fresh temp dir,
// `pg_ctl start` on a free loopback port (127.0.0.1 only, its unix socket in the
// temp dir, fsync off, password auth), then stopped and removed afterwards, also
// when the process exits or is interrupted. Never touches the machine's own
// PostgreSQL (port 5432).
//
// initdb refuses to run as root: as root, initdb/pg_ctl run as the `postgres`
// OS user (runuser) and the temp dir is handed to it; otherwise as ourselves.
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./redis";

export const POSTGRES_INSTALL_HINT = "apt-get install -y postgresql (Debian/Ubuntu; any PostgreSQL ≥ 13 with initdb and pg_ctl will do)";
const OS_USER = "postgres";
const SUPERUSER = "postgres";

export type TestPostgres = {
  /** Base URL of the cluster (database `postgres`): postgres://postgres:…@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  /** How long initdb + pg_ctl start took. */
  startMs: number;
  /** Stops the cluster and removes its directory (idempotent); returns how long that took (ms). */
  stop(): number;
};

/** The directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    // no pg_config (libpq-dev) on PATH
  }
  try {
    const versions = fs
      .readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // not a Debian-style install
  }
  for (const p of (process.env.PATH ?? "").split(path.delimiter)) if (p) candidates.push(p);
  return candidates.find((dir) => ["initdb", "pg_ctl", "postgres"].every((b) => isExecutable(path.join(dir, b))));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a PostgreSQL binary as the right OS user; throws with its output on failure. */
function runPg(bindir: string, cwd: string, bin: string, args: string[]): SpawnSyncReturns<string> {
  const file = path.join(bindir, bin);
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", OS_USER, "--", file, ...args]] : [file, args];
  const r = spawnSync(cmd, argv, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  if (r.error) throw new Error(`${bin} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return r;
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

/**
 * Starts a private cluster. Throws (with the install hint) when the binaries
 * are missing: callers that may skip should check findPostgresBinDir() first.
 */
export async function startPostgres(options: { stopOnSignal?: boolean } = {}): Promise<TestPostgres> {
  const bindir = findPostgresBinDir();
  if (!bindir) throw new Error(`PostgreSQL's initdb/pg_ctl were not found. Install them: ${POSTGRES_INSTALL_HINT}`);
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-pg-"));
  const data = path.join(dir, "data");
  const sock = path.join(dir, "sock");
  const log = path.join(dir, "postgres.log");
  const pwfile = path.join(dir, "pwfile");
  const password = randomBytes(18).toString("base64url");
  fs.mkdirSync(sock, { mode: 0o700 });
  fs.writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  if (isRoot()) {
    let uid: number, gid: number;
    try {
      uid = Number(execFileSync("id", ["-u", OS_USER], { encoding: "utf8" }).trim());
      gid = Number(execFileSync("id", ["-g", OS_USER], { encoding: "utf8" }).trim());
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`Running as root, but there is no "${OS_USER}" OS user to run initdb as (initdb refuses root). ${POSTGRES_INSTALL_HINT} creates it.`);
    }
    chownTree(dir, uid, gid);
  }

  let port = await freePort();
  if (port === 5432) port = await freePort();
  let started = false;
  const stopNow = () => {
    if (started) {
      try {
        runPg(bindir, dir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
      } catch {
        // already gone
      }
      started = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Also clean up when the process exits or is interrupted (the server is a daemon, not our child).
  const onExit = () => stopNow();
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  // A caller with a child still using the cluster (scripts/with-postgres.mjs) handles signals itself.
  const onSignals = options.stopOnSignal ?? true;
  process.once("exit", onExit);
  if (onSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }

  try {
    runPg(bindir, dir, "initdb", [
      "-D", data,
      "-U", SUPERUSER,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "-E", "UTF8",
      "--locale=C.UTF-8",
      "--no-sync",
    ]);
    const options = [
      "-c listen_addresses=127.0.0.1",
      `-c port=${port}`,
      `-c unix_socket_directories=${sock}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
      "-c timezone=Pacific/Chatham",
    ].join(" ");
    started = true;
    runPg(bindir, dir, "pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
  } catch (err) {
    const tail = fs.existsSync(log) ? `\n--- postgres.log ---\n${fs.readFileSync(log, "utf8").slice(-2000)}` : "";
    stopNow();
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    throw new Error(`${err instanceof Error ? err.message : String(err)}${tail}`, { cause: err });
  }
  const startMs = performance.now() - t0;

  return {
    url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`,
    port,
    dir,
    startMs,
    stop() {
      const t = performance.now();
      stopNow();
      process.off("exit", onExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      return performance.now() - t;
    },
  };
}

/** `base` with another database name. */
export function withDatabase(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh, empty database in the cluster at `baseUrl`; drop() removes it (closing any connection left). */
export async function createTestDatabase(baseUrl: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `dialtone_${randomBytes(6).toString("hex")}`;
  await admin(baseUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(baseUrl, name),
    name,
    drop: () => admin(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function admin(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
