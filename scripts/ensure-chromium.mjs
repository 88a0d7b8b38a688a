// Makes sure the Debian Chromium the e2e suite drives is installed.
// `npx playwright install` cannot work here (no access to Playwright's CDN), so
// the suite uses Debian's `chromium` package and points Playwright at its binary.
// /usr/bin/chromium is a shell wrapper that prints a harmless warning; the real
// binary is /usr/lib/chromium/chromium.
//
// Usable as a script (`node scripts/ensure-chromium.mjs`, exit 0 when ready) and
// as a module (`import { ensureChromium, CHROMIUM_PATH }`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;

function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

function run(cmd, args, env = process.env) {
  console.log(`[ensure-chromium] $ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
}

/** Returns the path of the Chromium binary, installing it with apt when possible. */
export function ensureChromium() {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;

  if (CHROMIUM_PATH !== DEBIAN_CHROMIUM) throw new Error(`[ensure-chromium] CHROMIUM_PATH=${CHROMIUM_PATH} does not exist.`);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && hasCommand("apt-get")) {
    console.log(`[ensure-chromium] ${CHROMIUM_PATH} not found: installing Debian's chromium package with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update"], env);
    run("apt-get", ["install", "-y", "chromium"], env);
    if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} still does not exist`);
  }

  const lines = [
    `[ensure-chromium] Chromium not found at ${CHROMIUM_PATH}.`,
    "The e2e tests use Debian's Chromium (not Playwright's download). Install it with:",
    "",
    "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium",
    "",
    "or point CHROMIUM_PATH at an existing Chromium binary.",
  ];
  throw new Error(lines.join("\n"));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    console.log(`[ensure-chromium] ok: ${ensureChromium()}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
