// SQLite in WAL mode appends every commit to the -wal file; a checkpoint
// copies those pages back into the database file, fsync included
// (synchronous=NORMAL). By default the connection whose commit takes the WAL
// past 1,000 pages runs it, inside that commit: for the call rows the
// signaling writes on every ring (./sqlite-reader.ts#openSqliteWriter) that
// is the signaling thread, stalled 3.6–4.7 ms each time on this machine
// (measured: 27 of 18,000 call-row writes, every other one took 10–40 µs).
// Under load that is a stall every few seconds for whatever message was
// being handled.
//
// So the call-row writer turns its automatic checkpoints off, and this
// worker thread checkpoints the file on a connection of its own instead
// (PASSIVE: it never waits for, nor blocks, a writer or a reader), every
// second. Prisma's connection keeps SQLite's default as a backstop; with the
// WAL checkpointed every second it rarely reaches it.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { getLog } from "../observability/log";

/** wal_checkpoint's answer: [busy, frames in the WAL, frames checkpointed]. */
export type CheckpointResult = [busy: number, log: number, checkpointed: number];

export type Checkpointer = {
  /** Called after each checkpoint the worker ran (tests, diagnostics). */
  onCheckpoint?: (r: CheckpointResult) => void;
  close(): void;
};

// CommonJS, evaluated in the worker: better-sqlite3's path comes in workerData.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
  db.pragma("synchronous = NORMAL");
} catch (err) {
  // The database went away before this thread started (closed at once): nothing to do.
  process.exit(0);
}
const timer = setInterval(() => {
  try {
    const r = db.pragma("wal_checkpoint(PASSIVE)", { simple: false })[0];
    if (r && r.log > 0) parentPort.postMessage([r.busy, r.log, r.checkpointed]);
  } catch (err) {
    // Locked or busy: the next tick tries again.
  }
}, workerData.everyMs);
parentPort.on("message", (m) => {
  if (m !== "close") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** better-sqlite3's entry, resolved from here (an eval'd worker would resolve from the working directory). */
function driverPath(): string {
  try {
    return createRequire(import.meta.url).resolve("better-sqlite3");
  } catch {
    return "better-sqlite3";
  }
}

/** Checkpoints `file` every `everyMs` on a worker thread; `close` stops it (the process never waits for it). */
export function startCheckpointer(file: string, everyMs = 1_000): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { driver: driverPath(), file, everyMs } });
  worker.unref();
  const self: Checkpointer = {
    close: () => {
      worker.postMessage("close");
    },
  };
  worker.on("message", (r: CheckpointResult) => self.onCheckpoint?.(r));
  worker.on("error", (err) => getLog().error({ event: "db.checkpointer_stopped", err }, "the WAL checkpointer stopped"));
  return self;
}
