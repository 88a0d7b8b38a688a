// `npm test`: every check, stopping at the first failure.
//   ┌ lint → typecheck → unit → integration (SQLite)      (output here)
//   ├ integration-pg (PostgreSQL)                           (output in .tmp/test-integration-pg.log)
//   └ next build for the e2e step                           (output in .tmp/test-build.log)
//   then e2e → multinode
// `npm test -- --skip-e2e` leaves out the browser suite (it needs Chromium and a build).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const skipE2e = process.argv.includes("--skip-e2e");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tmp = path.join(root, ".tmp");

// The integration suite runs one test file at a time and mostly waits (timers,
// sockets, the database): about 0.75 of one core. The SQLite and the PostgreSQL
// runs share nothing (each server and database, redis-server and PostgreSQL
// cluster is its own, on ports the OS picks), so they run side by side, with the
// e2e step's production build (`next build`) alongside them; the browser suite
// and the multi-node suite, which time calls, then run alone.
const mainLane = [
  ["lint", "lint"],
  ["typecheck", "typecheck"],
  ["unit", "test:unit"],
  ["integration", "test:integration"],
];
// The same integration suite on a throwaway PostgreSQL cluster (skipped, saying so, without PostgreSQL's binaries).
const pgStep = ["integration-pg", "test:integration:pg"];
const after = [
  ...(skipE2e ? [] : [["e2e", "test:e2e"]]),
  // Real server processes over Redis; reuses the production build the e2e step made.
  ["multinode", "test:multinode"],
];

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rel = (p) => path.relative(root, p);
const results = [];
const started = Date.now();
const children = new Set();

function summary(outcome) {
  const parts = results.map(({ name, ms, ok }) => `${name} ${ok ? "ok" : "FAILED"} ${secs(ms)}`);
  if (skipE2e) parts.push("e2e skipped");
  console.log(`\n[test] ${outcome} in ${secs(Date.now() - started)}: ${parts.join(", ")}`);
}

/** Runs a command; `log`: its output goes to that file instead of this terminal. Resolves with { ok, ms }. */
function run(cmd, args, { log, env = process.env } = {}) {
  const t = Date.now();
  let stdio = "inherit";
  if (log) {
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const out = fs.openSync(log, "w");
    stdio = ["ignore", out, out];
  }
  const child = spawn(cmd, args, { cwd: root, stdio, env });
  children.add(child);
  return new Promise((resolve) => {
    child.on("error", () => resolve({ ok: false, ms: Date.now() - t }));
    child.on("exit", (code) => {
      children.delete(child);
      resolve({ ok: code === 0, ms: Date.now() - t });
    });
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function fail(name) {
  summary(`FAILED at ${name}`);
  // Whatever still runs beside it (the other lane, the build) would outlive the run.
  for (const child of children) child.kill();
  process.exit(1);
}

async function step(name, script, env) {
  console.log(`\n[test] ── ${name}: npm run ${script}`);
  const r = await run(npm, ["run", "--silent", script], { env });
  results.push({ name, ms: r.ms, ok: r.ok });
  console.log(`[test] ── ${name} ${r.ok ? "passed" : "FAILED"} in ${secs(r.ms)}`);
  if (!r.ok) fail(name);
}

// ---- Side by side: the main lane here, PostgreSQL and the build in the background --------
const buildLog = path.join(tmp, "test-build.log");
const build = skipE2e
  ? null
  : run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
      log: buildLog,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
if (build) console.log(`[test] next build started in the background (log: ${rel(buildLog)})`);
const pgLog = path.join(tmp, "test-integration-pg.log");
console.log(`[test] ${pgStep[0]} (npm run ${pgStep[1]}) started in the background (log: ${rel(pgLog)})`);
const pg = run(npm, ["run", "--silent", pgStep[1]], { log: pgLog }).then((r) => {
  // A failure stops the run at once; a pass is reported when the main lane is done.
  if (!r.ok) {
    results.push({ name: pgStep[0], ms: r.ms, ok: false });
    console.log(`\n[test] ── ${pgStep[0]} FAILED in ${secs(r.ms)}; the end of ${rel(pgLog)}:\n${tail(pgLog, 80)}`);
    fail(pgStep[0]);
  }
  return r;
});

for (const [name, script] of mainLane) await step(name, script);

const pgDone = await pg;
results.push({ name: pgStep[0], ms: pgDone.ms, ok: true });
console.log(`\n[test] ── ${pgStep[0]} passed in ${secs(pgDone.ms)} (alongside; full output in ${rel(pgLog)}):`);
console.log(tail(pgLog, 12));

if (build) {
  // (Its exit is seen once the steps running meanwhile return: the time printed is the build's or theirs, the longer.)
  const built = await build;
  console.log(`[test] background next build ${built.ok ? "done" : "FAILED"} in ${secs(built.ms)}`);
  if (!built.ok) {
    console.log(tail(buildLog, 60));
    results.push({ name: "build", ms: built.ms, ok: false });
    fail("build");
  }
}

// ---- Then, alone: the browser suite (on the build just made) and the multi-node suite ------
for (const [name, script] of after) await step(name, script, name === "e2e" ? { ...process.env, E2E_BUILD: "never" } : process.env);

summary("all passed");
