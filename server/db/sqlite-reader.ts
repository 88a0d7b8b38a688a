// A read-only better-sqlite3 connection beside Prisma's own, for the one hot
// read path where Prisma's raw-query overhead dominates: the history page
// (server/history/service.ts, bench/history.ts). SQLite only; PostgreSQL keeps
// every query on Prisma.
//
// Why: Prisma's SQLite adapter prepares every statement anew and its raw-query
// path converts every value on the way out (adapter → engine → client), which
// made a 51-row history page ~2.2× the bare indexed query at 1M calls. Here a
// statement is prepared once per connection and rows come back as arrays.
//
// The trade-off: a second connection to the same file. In WAL mode (the
// migration runner sets it) a reader never blocks the writer or other readers
// and each statement sees every transaction committed before it starts;
// better-sqlite3 is synchronous, so a write this process has awaited is
// visible to the next read here. It does NOT see the uncommitted writes of an
// open Prisma transaction: only the client createDb returned is registered, so
// a transaction client (or an extended one) finds no reader and its callers
// take the Prisma path. Values come back as SQLite stores them: DateTime
// columns are the ISO text Prisma's adapter writes (sqliteDate parses them).
import path from "node:path";
import Database from "better-sqlite3";
import type { Prisma } from "./generated/sqlite/client";
import { startCheckpointer, type Checkpointer } from "./sqlite-checkpointer";

export type SqliteReader = {
  /** Runs a read-only query (a Prisma.sql template) and returns its rows as arrays, in column order. */
  rows<T extends unknown[]>(query: Prisma.Sql): T[];
  close(): void;
};

/** The same, on a writable connection: for the call rows the signaling writes on every ring (server/calls/queries.ts). */
export type SqliteWriter = SqliteReader & {
  /** Runs one statement (a Prisma.sql template); returns how many rows it changed. */
  run(query: Prisma.Sql): number;
  /** The worker that checkpoints this file (a writer's, once opened; ./sqlite-checkpointer.ts). */
  readonly checkpointer: Checkpointer | undefined;
};

/** Prepared statements kept per connection; the SQL comes from code, so a handful at most. */
const MAX_STATEMENTS = 32;

export function openSqliteReader(file: string, busyTimeoutMs = 5000): SqliteReader {
  return openSqlite(file, true, busyTimeoutMs);
}

/**
 * A writable connection beside Prisma's: the statements the signaling runs on
 * every ring (insert a call, move it on) prepared once, ~50 µs of CPU each
 * against ~200-400 µs through Prisma's raw-query path. Both connections write
 * the same file and SQLite lets one write at a time; in WAL mode each sees the
 * other's committed writes. It does not wait for a lock (busy timeout 0):
 * better-sqlite3 waits synchronously, and Prisma's connection may hold the
 * write lock across awaits inside one of its transactions, which that wait
 * would stall; the caller takes Prisma's path instead when it gets
 * SQLITE_BUSY (server/calls/queries.ts). synchronous=NORMAL, as
 * server/index.ts sets on Prisma's connection. Its commits never checkpoint
 * the WAL: a worker thread does (./sqlite-checkpointer.ts).
 */
export function openSqliteWriter(file: string): SqliteWriter {
  return openSqlite(file, false, 0);
}

/** The error a writer throws when another connection holds the write lock. */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
}

function openSqlite(file: string, readonly: boolean, busyTimeoutMs: number): SqliteWriter {
  let conn: Database.Database | undefined;
  let checkpointer: Checkpointer | undefined;
  const open = () => {
    // Opened on first use: the file exists by then (migrations run first).
    if (!conn) {
      conn = new Database(file, { readonly, fileMustExist: true, timeout: busyTimeoutMs });
      if (!readonly) {
        conn.pragma("synchronous = NORMAL");
        // Checkpoints run on a worker thread, not inside this connection's
        // commits on the signaling thread (./sqlite-checkpointer.ts says why).
        conn.pragma("wal_autocheckpoint = 0");
        checkpointer = startCheckpointer(file);
      }
    }
    return conn;
  };
  const statements = new Map<string, Database.Statement<unknown[], unknown[]>>();
  const statement = (sql: string, returnsRows: boolean) => {
    const key = `${returnsRows ? "rows" : "run"}:${sql}`;
    let st = statements.get(key);
    if (!st) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      st = open().prepare<unknown[], unknown[]>(sql);
      if (returnsRows) st = st.raw(true);
      statements.set(key, st);
    }
    return st;
  };
  return {
    rows<T extends unknown[]>(query: Prisma.Sql): T[] {
      return statement(query.sql, true).all(...query.values.map(toSqliteValue)) as T[];
    },
    run(query: Prisma.Sql): number {
      if (readonly) throw new Error("read-only connection");
      return statement(query.sql, false).run(...query.values.map(toSqliteValue)).changes;
    },
    close() {
      statements.clear();
      checkpointer?.close();
      checkpointer = undefined;
      conn?.close();
      conn = undefined;
    },
    get checkpointer() {
      return checkpointer;
    },
  };
}

/** A bound value as Prisma's SQLite adapter writes it (its default iso8601 DateTime format), so comparisons agree. */
function toSqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/** A DateTime column read raw: ISO text from Prisma ("…+00:00"), SQLite's CURRENT_TIMESTAMP text (UTC, no zone), or epoch ms. */
export function sqliteDate(v: string | number): Date {
  if (typeof v === "number") return new Date(v);
  return new Date(/(?:Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v.replace(" ", "T")}Z`);
}

// The registry lives on globalThis, as the shared client does (./client.ts):
// the custom server and Next's bundled route code load these modules
// separately, and both must find the connections of the client they share.
type Attached = { reader: SqliteReader; writer: SqliteWriter };
const slot = globalThis as typeof globalThis & { __dialtoneSqliteConnections?: WeakMap<object, Attached> };
const registry = (slot.__dialtoneSqliteConnections ??= new WeakMap<object, Attached>());

/**
 * Gives `client` a reader and a writer on the same SQLite file (path resolved
 * as the adapter would now); `close` closes both.
 */
export function attachSqliteConnections(client: object, file: string): Attached & { close: () => void } {
  const resolved = path.resolve(file);
  const attached = { reader: openSqliteReader(resolved), writer: openSqliteWriter(resolved) };
  registry.set(client, attached);
  return {
    ...attached,
    close: () => {
      attached.reader.close();
      attached.writer.close();
    },
  };
}

/** The reader attached to this exact client, if any (none for PostgreSQL or transaction clients). */
export function sqliteReaderOf(client: object): SqliteReader | undefined {
  return registry.get(client)?.reader;
}

/** The writer attached to this exact client, if any (none for PostgreSQL or transaction clients). */
export function sqliteWriterOf(client: object): SqliteWriter | undefined {
  return registry.get(client)?.writer;
}
