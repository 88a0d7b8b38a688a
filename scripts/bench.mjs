// `npm run bench [-- --quick]` runs every benchmark in bench/; `npm run bench
// -- <name>` runs one (e.g. cross-node). Builds the app first when a benchmark
// needs real server processes. Benchmarks are not part of `npm test`.
import { spawnSync } from "node:child_process";
import { build, needsBuild } from "./start.mjs";

const all = ["cross-node"];
const args = process.argv.slice(2);
const chosen = args.filter((a) => all.includes(a));
const flags = args.filter((a) => !all.includes(a));
if (needsBuild()) build();
for (const name of chosen.length ? chosen : all) {
  console.log(`\n[bench] ── ${name}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`, ...flags], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
