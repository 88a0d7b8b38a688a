// `npm run test:e2e [-- <playwright args>]`: the browser suite end to end.
//   1. Debian Chromium and coturn present (installs them with apt when root; see
//      ensure-chromium.mjs, ensure-coturn.mjs)
//   2. a production build of the app (`next build`), skipped only when .next/BUILD_ID
//      is newer than every source file (always rebuilt under CI=true or E2E_BUILD=always)
//   3. Playwright (playwright.config.ts starts the real server, server/index.ts) inside a
//      loopback-only network namespace when possible, so that neither the server nor
//      Chromium's ICE gathering touches a real network card.
// Extra arguments go to `playwright test` unchanged, e.g. `npm run test:e2e -- tests/e2e/audio.spec.ts`.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./ensure-chromium.mjs";
import { ensureCoturn } from "./ensure-coturn.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
const log = (msg) => console.log(`[e2e] ${msg}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---- 1. Chromium -----------------------------------------------------------------
let chromiumPath;
let turnserverPath;
try {
  chromiumPath = ensureChromium();
  // The suite runs its own coturn (tests/e2e/global-setup.ts) for the TURN relay specs.
  turnserverPath = ensureCoturn();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

// ---- 2. Production build ---------------------------------------------------------
// Everything that can change the build output, i.e. everything but these.
const NOT_BUILD_INPUTS = new Set([
  ".git", ".next", "node_modules", "tests", "test-results", "playwright-report", "data", ".tmp",
  "bench", "docs", ".ci", "scripts", "playwright.config.ts", "tsconfig.tsbuildinfo", "next-env.d.ts",
]);

function newestSourceMtime(dir, top = true) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (top && NOT_BUILD_INPUTS.has(entry.name)) continue;
    if (entry.name === "node_modules" || entry.name.endsWith(".md")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full, false));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return false;
  return fs.statSync(buildId).mtimeMs > newestSourceMtime(root);
}

const forceBuild = process.env.CI === "true" || process.env.E2E_BUILD === "always";
if (!forceBuild && process.env.E2E_BUILD !== "never" && buildIsFresh()) {
  log("production build is newer than every source file: skipping `next build` (E2E_BUILD=always to force)");
} else if (process.env.E2E_BUILD === "never") {
  log("E2E_BUILD=never: using the existing .next build as it is");
} else {
  log("building the app: next build");
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) {
    console.error(`[e2e] next build failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  log(`build done in ${secs(Date.now() - t)}`);
}

// ---- 3. Playwright ---------------------------------------------------------------
// The server's database lives in a fresh directory per run; kept when the run fails.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-e2e-"));
const playwrightCmd = [process.execPath, path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", ...process.argv.slice(2)];

function canIsolateNetwork() {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) return "not running as root";
  for (const cmd of ["unshare", "ip", "bash"]) {
    if (spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status !== 0) return `\`${cmd}\` not found`;
  }
  const probe = spawnSync("unshare", ["-n", "bash", "-c", "ip link set lo up"], { stdio: "ignore" });
  if (probe.status !== 0) return "`unshare -n` is not permitted here";
  return null;
}

/** nftables breaks a call's network path in the ICE-restart spec (inside the namespace only). */
function ensureNft() {
  if (spawnSync("sh", ["-c", "command -v nft"], { stdio: "ignore" }).status === 0) return;
  log("nft (nftables) not found: installing Debian's nftables package with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update"], { stdio: "inherit", env });
  const r = spawnSync("apt-get", ["install", "-y", "nftables"], { stdio: "inherit", env });
  if (r.status !== 0) throw new Error("apt-get install -y nftables failed: the ICE-restart spec needs it");
}

const whyNot = canIsolateNetwork();
if (whyNot === null) ensureNft();
let cmd;
let args;
if (whyNot === null) {
  log("running Playwright in a loopback-only network namespace (unshare -n)");
  cmd = "unshare";
  args = ["-n", "bash", "-c", 'ip link set lo up && exec "$@"', "_", ...playwrightCmd];
} else {
  log(`NOTE: ${whyNot}; running Playwright in the normal network namespace (Chromium may also gather ICE candidates on real interfaces)`);
  [cmd, ...args] = playwrightCmd;
}

const child = spawn(cmd, args, {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    CHROMIUM_PATH: chromiumPath,
    TURNSERVER_PATH: turnserverPath,
    DIALTONE_E2E_DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    // Specs that change the network (nftables) only run inside our own namespace.
    DIALTONE_E2E_NETNS: whyNot === null ? "1" : "0",
  },
});

// Pass Ctrl-C / termination on to Playwright, which stops its web server and browsers.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}

child.on("exit", (code, signal) => {
  const exitCode = code ?? (signal ? 1 : 0);
  if (exitCode === 0) fs.rmSync(dataDir, { recursive: true, force: true });
  else log(`server data (database, auth secret) kept in ${dataDir}; traces in test-results/`);
  log(`finished in ${secs(Date.now() - started)} with exit code ${exitCode}`);
  process.exit(exitCode);
});
