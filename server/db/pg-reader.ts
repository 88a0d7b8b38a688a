// PostgreSQL's counterpart of ./sqlite-reader.ts: the history page's statement
// run as a named prepared statement on the pool Prisma's adapter also uses,
// rows returned as arrays.
//
// Why: through Prisma's `$queryRaw` a 51-row history page measured 1.5-1.9×
// the bare prepared query at 1M calls (bench/history.ts, P4 ≤ 2×). Prisma's
// raw path sends an unnamed statement (parse + bind each time) and converts
// every value through its engine; a named statement is parsed once per
// connection (and planned for its values on each run: createDb sets
// plan_cache_mode) and node-postgres hands back each row as an array.
//
// The pool is Prisma's own (createDb builds it and passes it to PrismaPg), so
// this adds no connections. A query here runs outside any Prisma transaction:
// only the client createDb returned is registered, so a transaction client
// finds no reader and its callers take the Prisma path, as on SQLite.
import { createHash } from "node:crypto";
import pg from "pg";
import type { Prisma } from "./generated/sqlite/client";

export type PgReader = {
  /** Runs a read-only query (a Prisma.sql template) and returns its rows as arrays, in column order; TIMESTAMP columns as Dates. */
  rows<T extends unknown[]>(query: Prisma.Sql): Promise<T[]>;
};

const TIMESTAMP_OID = 1114;

/**
 * TIMESTAMP (without time zone) columns hold UTC wall time (Prisma writes them
 * so); node-postgres would read them as the server's local time.
 */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
  return format ? pg.types.getTypeParser(oid, format) : pg.types.getTypeParser(oid);
}
const types = { getTypeParser: typeParser } as unknown as pg.CustomTypesConfig;

/** A bound value as Prisma's adapter sends it: a Date as UTC wall time (a zone in the text would be ignored by TIMESTAMP). */
function toPgValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("T", " ").replace("Z", "");
  return v;
}

/** Statement names seen, by text; the SQL comes from code, so a handful at most. */
const names = new Map<string, string>();
const MAX_NAMES = 32;

/**
 * The name is the text's hash: one text, one name, on every connection
 * (node-postgres prepares it the first time each connection runs it).
 */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMES) names.clear();
    name = `dialtone_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

export function openPgReader(pool: pg.Pool): PgReader {
  return {
    async rows<T extends unknown[]>(query: Prisma.Sql): Promise<T[]> {
      const name = statementName(query.text);
      const res = await pool.query<T>({ name, text: query.text, values: query.values.map(toPgValue), rowMode: "array", types });
      return res.rows;
    },
  };
}

// Registered on globalThis, as ./sqlite-reader.ts's connections are (the custom
// server and Next's bundled route code load these modules separately).
const slot = globalThis as typeof globalThis & { __dialtonePgReaders?: WeakMap<object, PgReader> };
const registry = (slot.__dialtonePgReaders ??= new WeakMap<object, PgReader>());

export function attachPgReader(client: object, pool: pg.Pool): void {
  registry.set(client, openPgReader(pool));
}

/** The reader attached to this exact client, if any (none for SQLite or transaction clients). */
export function pgReaderOf(client: object): PgReader | undefined {
  return registry.get(client);
}
