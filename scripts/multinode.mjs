// `npm run test:multinode`: builds the app when needed (the nodes are real
// production servers), then runs tests/multinode with Node's test runner.
// Needs redis-server (Debian package redis-server); installs it with apt when
// missing and running as root. tests/multinode/nginx.test.ts also needs nginx
// (Debian package nginx) and is skipped without it.
import { spawnSync } from "node:child_process";
import { build, needsBuild } from "./start.mjs";
import { ensureRedis } from "./ensure-redis.mjs";

ensureRedis("multinode");
if (needsBuild()) build();
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", "tests/multinode/multinode.test.ts", "tests/multinode/nginx.test.ts"],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
