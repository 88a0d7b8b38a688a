// `npm test`: every check, in order, stopping at the first failure.
//   lint → typecheck → unit → integration (SQLite) → integration-pg (PostgreSQL, with
//   the e2e build alongside) → e2e → multinode
// `npm test -- --skip-e2e` leaves out the browser suite (it needs Chromium and a build).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const skipE2e = process.argv.includes("--skip-e2e");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const steps = [
  ["lint", "lint"],
  ["typecheck", "typecheck"],
  ["unit", "test:unit"],
  ["integration", "test:integration"],
  // The same integration suite on a throwaway PostgreSQL cluster (skipped, saying so, without PostgreSQL's binaries).
  ["integration-pg", "test:integration:pg"],
  ...(skipE2e ? [] : [["e2e", "test:e2e"]]),
  // Real server processes over Redis; reuses the production build the e2e step made.
  ["multinode", "test:multinode"],
];

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
const started = Date.now();

function summary(outcome) {
  const parts = results.map(({ name, ms, ok }) => `${name} ${ok ? "ok" : "FAILED"} ${secs(ms)}`);
  if (skipE2e) parts.push("e2e skipped");
  console.log(`\n[test] ${outcome} in ${secs(Date.now() - started)}: ${parts.join(", ")}`);
}

// The e2e step's production build (`next build`, 2–4 min here) runs in the
// background while the PostgreSQL integration suite runs (one test file at a
// time, so a core is mostly idle); the e2e step then uses it as it is.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildLog = path.join(root, ".tmp", "test-build.log");
let background = null;
let buildChild = null;

function startBuild() {
  fs.mkdirSync(path.dirname(buildLog), { recursive: true });
  const out = fs.openSync(buildLog, "w");
  const t = Date.now();
  const child = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: ["ignore", out, out],
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  buildChild = child;
  console.log(`[test] next build started in the background (log: ${path.relative(root, buildLog)})`);
  // (Its exit is seen once the step running meanwhile returns: the time printed is the build's or that step's, the longer.)
  return new Promise((resolve) => child.on("exit", (code) => resolve({ ok: code === 0, ms: Date.now() - t })));
}

for (const [name, script] of steps) {
  if (name === "integration-pg" && !skipE2e) background = startBuild();
  const env = { ...process.env };
  if (name === "e2e" && background) {
    const built = await background;
    console.log(`[test] background next build ${built.ok ? "done" : "FAILED"} in ${secs(built.ms)}`);
    if (!built.ok) {
      console.log(fs.readFileSync(buildLog, "utf8").split("\n").slice(-60).join("\n"));
      results.push({ name: "build", ms: built.ms, ok: false });
      summary("FAILED at build");
      process.exit(1);
    }
    env.E2E_BUILD = "never";
  }
  console.log(`\n[test] ── ${name}: npm run ${script}`);
  const t = Date.now();
  const r = spawnSync(npm, ["run", "--silent", script], { stdio: "inherit", env });
  const ms = Date.now() - t;
  const ok = r.status === 0;
  results.push({ name, ms, ok });
  console.log(`[test] ── ${name} ${ok ? "passed" : "FAILED"} in ${secs(ms)}`);
  if (!ok) {
    summary(`FAILED at ${name}`);
    // A background build still running would outlive the run.
    buildChild?.kill();
    process.exit(r.status || 1);
  }
}

summary("all passed");
