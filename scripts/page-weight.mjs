// `npm run bench:page-weight [-- --dir <app root>] [-- --budget-kb 200]`:
// builds this checkout when its build is stale, then runs bench/page-weight.ts.
import { spawnSync } from "node:child_process";
import { ensureChromium } from "./ensure-chromium.mjs";
import { build, needsBuild } from "./start.mjs";

const args = process.argv.slice(2);
if (!args.includes("--dir") && needsBuild()) build();
ensureChromium();
const r = spawnSync(process.execPath, ["--import", "tsx", "bench/page-weight.ts", ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);
