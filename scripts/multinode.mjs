// `npm run test:multinode`: builds the app when needed (the nodes are real
// production servers), then runs tests/multinode with Node's test runner.
// Needs redis-server (Debian package redis-server); installs it with apt when
// missing and running as root.
import { spawnSync } from "node:child_process";
import { build, needsBuild } from "./start.mjs";

function ensureRedis() {
  if (spawnSync("redis-server", ["--version"]).status === 0) return;
  if (process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).status === 0) {
    console.log("[multinode] redis-server missing: apt-get install -y redis-server");
    spawnSync("apt-get", ["update"], { stdio: "inherit" });
    const r = spawnSync("apt-get", ["install", "-y", "redis-server"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status === 0) return;
  }
  console.error("[multinode] redis-server is required: run `sudo apt-get install -y redis-server` and retry.");
  process.exit(1);
}

ensureRedis();
if (needsBuild()) build();
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", "tests/multinode/multinode.test.ts"],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
