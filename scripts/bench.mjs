// `npm run bench [-- --quick]` runs every benchmark in bench/; `npm run bench
// -- <name>` runs one (signaling, history, cross-node, call-setup, session-check, flood, reconnect-storm). Builds the
// app first when a benchmark needs real server processes (signaling and history
// start their own, without Next). Benchmarks are not part of `npm test`.
import { spawnSync } from "node:child_process";
import { ensureChromium } from "./ensure-chromium.mjs";
import { ensureRedis } from "./ensure-redis.mjs";
import { build, needsBuild } from "./start.mjs";

const all = ["signaling", "history", "cross-node", "call-setup", "session-check", "flood", "reconnect-storm"];
/** Benchmarks that drive Chromium run in a loopback-only network namespace when root (as the e2e suite). */
const inNetns = new Set(["call-setup"]);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const canUnshare = isRoot && spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
const args = process.argv.slice(2);
const chosen = args.filter((a) => all.includes(a));
const flags = args.filter((a) => !all.includes(a));
const run = chosen.length ? chosen : all;
/** Benchmarks that start real Dialtone servers (server/index.ts with Next's production build). */
const needsApp = new Set(["cross-node", "call-setup", "reconnect-storm"]);
if (run.some((name) => needsApp.has(name)) && needsBuild()) build();
// What a fresh machine lacks is installed first, as `npm test` does: Debian's
// Chromium for the browsers, redis-server for cross-node's and reconnect-storm's throwaway Redis.
if (run.includes("call-setup")) ensureChromium();
if (run.includes("cross-node") || run.includes("reconnect-storm")) ensureRedis("bench");
const took = [];
for (const name of run) {
  console.log(`\n[bench] ── ${name}`);
  const t0 = performance.now();
  const cmd = [process.execPath, "--import", "tsx", `bench/${name}.ts`, ...flags];
  const r =
    inNetns.has(name) && canUnshare
      ? spawnSync("unshare", ["-n", "bash", "-c", 'ip link set lo up && exec "$@"', "_", ...cmd], { stdio: "inherit" })
      : spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit" });
  took.push(`${name} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\n[bench] done: ${took.join(", ")}; results in bench/results/`);
