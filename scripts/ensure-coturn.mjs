// Makes sure coturn's `turnserver` is installed: the e2e suite starts its own
// coturn on loopback (tests/e2e/coturn.ts) to prove calls work through a TURN relay.
// Installs Debian's `coturn` package with apt when running as root; otherwise
// prints the command. The package's own service stays off (Debian ships it
// disabled in /etc/default/coturn); the tests run their own process.
//
// Usable as a script (`node scripts/ensure-coturn.mjs`, exit 0 when ready) and
// as a module (`import { ensureCoturn }`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CANDIDATES = ["/usr/bin/turnserver", "/usr/local/bin/turnserver"];

function findTurnserver() {
  if (process.env.TURNSERVER_PATH) {
    if (fs.existsSync(process.env.TURNSERVER_PATH)) return process.env.TURNSERVER_PATH;
    throw new Error(`[ensure-coturn] TURNSERVER_PATH=${process.env.TURNSERVER_PATH} does not exist.`);
  }
  const onPath = spawnSync("sh", ["-c", "command -v turnserver"], { encoding: "utf8" });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

function run(cmd, args, env) {
  console.log(`[ensure-coturn] $ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
}

/** Returns the path of `turnserver`, installing Debian's coturn with apt when possible. */
export function ensureCoturn() {
  const found = findTurnserver();
  if (found) return found;

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (isRoot && hasApt) {
    console.log("[ensure-coturn] turnserver not found: installing Debian's coturn package with apt-get");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update"], env);
    run("apt-get", ["install", "-y", "--no-install-recommends", "coturn"], env);
    const installed = findTurnserver();
    if (installed) return installed;
    throw new Error("[ensure-coturn] apt-get installed coturn but `turnserver` is still not found");
  }

  throw new Error(
    [
      "[ensure-coturn] coturn's `turnserver` not found.",
      "The e2e suite runs its own coturn on loopback to test calls through a TURN relay. Install it with:",
      "",
      "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends coturn",
      "",
      "or point TURNSERVER_PATH at an existing turnserver binary.",
    ].join("\n"),
  );
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    console.log(`[ensure-coturn] ok: ${ensureCoturn()}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
