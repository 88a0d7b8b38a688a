// `npm test`: every check, in order, stopping at the first failure.
//   lint → typecheck → unit → integration (SQLite) → integration-pg (PostgreSQL) → e2e → multinode
// `npm test -- --skip-e2e` leaves out the browser suite (it needs Chromium and a build).
import { spawnSync } from "node:child_process";

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

for (const [name, script] of steps) {
  console.log(`\n[test] ── ${name}: npm run ${script}`);
  const t = Date.now();
  const r = spawnSync(npm, ["run", "--silent", script], { stdio: "inherit" });
  const ms = Date.now() - t;
  const ok = r.status === 0;
  results.push({ name, ms, ok });
  console.log(`[test] ── ${name} ${ok ? "passed" : "FAILED"} in ${secs(ms)}`);
  if (!ok) {
    summary(`FAILED at ${name}`);
    process.exit(r.status || 1);
  }
}

summary("all passed");
