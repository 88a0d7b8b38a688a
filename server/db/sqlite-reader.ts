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

export type SqliteReader = {
  /** Runs a read-only query (a Prisma.sql template) and returns its rows as arrays, in column order. */
  rows<T extends unknown[]>(query: Prisma.Sql): T[];
  close(): void;
};

/** Prepared statements kept per connection; the SQL comes from code, so a handful at most. */
const MAX_STATEMENTS = 32;

export function openSqliteReader(file: string, busyTimeoutMs = 5000): SqliteReader {
  let conn: Database.Database | undefined;
  const statements = new Map<string, Database.Statement<unknown[], unknown[]>>();
  const statement = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      // Opened on first use: the file exists by then (migrations run first).
      conn ??= new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      st = conn.prepare<unknown[], unknown[]>(sql).raw(true);
      statements.set(sql, st);
    }
    return st;
  };
  return {
    rows<T extends unknown[]>(query: Prisma.Sql): T[] {
      return statement(query.sql).all(...query.values.map(toSqliteValue)) as T[];
    },
    close() {
      statements.clear();
      conn?.close();
      conn = undefined;
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
// separately, and both must find the reader of the client they share.
const slot = globalThis as typeof globalThis & { __dialtoneSqliteReaders?: WeakMap<object, SqliteReader> };
const registry = (slot.__dialtoneSqliteReaders ??= new WeakMap<object, SqliteReader>());

/** Gives `client` a reader on the same SQLite file (path resolved as the adapter would now). */
export function attachSqliteReader(client: object, file: string): SqliteReader {
  const reader = openSqliteReader(path.resolve(file));
  registry.set(client, reader);
  return reader;
}

/** The reader attached to this exact client, if any (none for PostgreSQL or transaction clients). */
export function sqliteReaderOf(client: object): SqliteReader | undefined {
  return registry.get(client);
}
