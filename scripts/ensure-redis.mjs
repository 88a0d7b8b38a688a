// redis-server for the tests that start their own throwaway instances
// (tests/support/redis.ts): the multinode run, and the PostgreSQL integration
// run, whose call state is the Redis store. Installs the Debian package with
// apt when missing and running as root; otherwise says how and exits 1.
//   node scripts/ensure-redis.mjs            (as a step)
//   import { ensureRedis } from "./ensure-redis.mjs"
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

export function ensureRedis(tag = "redis") {
  if (spawnSync("redis-server", ["--version"]).status === 0) return;
  if (process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).status === 0) {
    console.log(`[${tag}] redis-server missing: apt-get install -y redis-server`);
    spawnSync("apt-get", ["update"], { stdio: "inherit" });
    const r = spawnSync("apt-get", ["install", "-y", "redis-server"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status === 0) return;
  }
  console.error(`[${tag}] redis-server is required: run \`sudo apt-get install -y redis-server\` and retry.`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) ensureRedis();
