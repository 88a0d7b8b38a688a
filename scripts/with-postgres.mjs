// Runs a command against a throwaway PostgreSQL cluster:
//   node --import tsx scripts/with-postgres.mjs <command> [args…]
// Starts a private cluster (tests/support/postgres.ts: initdb into a temp dir,
// 127.0.0.1 on a free port, never the machine's own 5432), runs the command with
// DIALTONE_TEST_DB=postgres and DIALTONE_TEST_PG_URL=<base URL>, then stops and
// removes the cluster, also when the command fails or we are interrupted.
// Without PostgreSQL's binaries it says so, says how to install them, and exits
// 0 (the run is skipped, not failed).
import { spawn } from "node:child_process";
import { findPostgresBinDir, POSTGRES_INSTALL_HINT, startPostgres } from "../tests/support/postgres.ts";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: node --import tsx scripts/with-postgres.mjs <command> [args…]");
  process.exit(2);
}

if (!findPostgresBinDir()) {
  console.log(
    [
      "",
      "[pg] ────────────────────────────────────────────────────────────────",
      "[pg] SKIPPED: the PostgreSQL integration run needs PostgreSQL's initdb and pg_ctl,",
      "[pg] found neither via PG_BINDIR, `pg_config --bindir`, /usr/lib/postgresql/*/bin nor PATH.",
      `[pg] Install them to run it: ${POSTGRES_INSTALL_HINT}`,
      "[pg] (only the binaries are used: a private cluster in a temp dir, nothing on port 5432)",
      "[pg] ────────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
  process.exit(0);
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const cluster = await startPostgres({ stopOnSignal: false });
console.log(`[pg] throwaway cluster on 127.0.0.1:${cluster.port} started in ${secs(cluster.startMs)} (${cluster.dir})`);

const t = performance.now();
const child = spawn(cmd, args, {
  stdio: "inherit",
  env: { ...process.env, DIALTONE_TEST_DB: "postgres", DIALTONE_TEST_PG_URL: cluster.url },
});
// Signals go to the child; once it has exited, the cluster is stopped below
// (and by the exit hook of tests/support/postgres.ts should anything throw).
const forward = (signal) => child.kill(signal);
process.on("SIGTERM", () => forward("SIGTERM"));
process.on("SIGINT", () => forward("SIGINT"));

const code = await new Promise((resolve) => {
  child.once("error", (err) => {
    console.error(`[pg] could not run ${cmd}: ${err.message}`);
    resolve(127);
  });
  child.once("exit", (status, signal) => resolve(status ?? (signal === "SIGINT" ? 130 : 1)));
});
const ranMs = performance.now() - t;
const stopMs = cluster.stop();
console.log(`[pg] command ${code === 0 ? "passed" : `exited ${code}`} in ${secs(ranMs)}; cluster stopped and removed in ${secs(stopMs)}`);
process.exit(code);
