// `npm run bench [-- --quick]` runs every benchmark in bench/; `npm run bench
// -- <name>` runs one (e.g. cross-node). Builds the app first when a benchmark
// needs real server processes. Benchmarks are not part of `npm test`.
import { spawnSync } from "node:child_process";
import { build, needsBuild } from "./start.mjs";

const all = ["cross-node", "call-setup"];
/** Benchmarks that drive Chromium run in a loopback-only network namespace when root (as the e2e suite). */
const inNetns = new Set(["call-setup"]);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const canUnshare = isRoot && spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
const args = process.argv.slice(2);
const chosen = args.filter((a) => all.includes(a));
const flags = args.filter((a) => !all.includes(a));
if (needsBuild()) build();
for (const name of chosen.length ? chosen : all) {
  console.log(`\n[bench] ── ${name}`);
  const cmd = [process.execPath, "--import", "tsx", `bench/${name}.ts`, ...flags];
  const r =
    inNetns.has(name) && canUnshare
      ? spawnSync("unshare", ["-n", "bash", "-c", 'ip link set lo up && exec "$@"', "_", ...cmd], { stdio: "inherit" })
      : spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
