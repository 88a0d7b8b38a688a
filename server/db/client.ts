// The one Prisma client of the process. The custom server and Next's bundled
// route code load this module separately, so the instance lives in a typed
// globalThis slot: both get the same client (and the same connection/pool).
//
// Two generated clients exist (one cannot talk to two kinds of database):
// generated/sqlite for file: URLs, generated/postgresql for postgres:// URLs;
// dbKind() (./kind.ts) is the one rule choosing between them.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { dbKind } from "./kind";
import { attachPgReader } from "./pg-reader";
import { attachSqliteConnections } from "./sqlite-reader";
import { getLog } from "../observability/log";

/**
 * The app types against the SQLite client. Both clients are generated from the
 * same models (tests/unit/schema-parity.test.ts) and share one runtime, so every
 * query written against the SQLite types runs unchanged on PostgreSQL; the
 * PostgreSQL types are a superset (e.g. `mode: "insensitive"`, more isolation
 * levels), which is why we type against the narrower one: code that compiles
 * works on both. The integration suite runs on both databases to prove it.
 */
export type Db = SqlitePrismaClient;

const slot = globalThis as typeof globalThis & { __dialtoneDb?: { url: string; client: Db } };

/** The PostgreSQL session settings of every pooled connection (why: createDb; docs/internals.md). */
export const PG_SESSION_OPTIONS = "-c TimeZone=UTC -c plan_cache_mode=force_custom_plan";

export function createDb(url: string): Db {
  if (dbKind(url) === "postgresql") {
    // Prisma writes and reads TIMESTAMP(3) columns as UTC; a session in UTC makes
    // the database's own CURRENT_TIMESTAMP defaults agree whatever the server's
    // TimeZone setting is (a URL's own `options` still wins).
    // The pool is built here, not by the adapter, so the history page's
    // prepared statement (./pg-reader.ts) runs on the same connections.
    // force_custom_plan: a named statement is planned for its actual values
    // each time (PostgreSQL's default switches to one generic plan after five
    // runs, which made the deep history page ~25× slower). Prisma's own
    // statements are unnamed, planned per run anyway: they are unaffected.
    const pool = new pg.Pool({ connectionString: url, options: PG_SESSION_OPTIONS });
    // An idle connection the server drops (a restart, a failover) must not
    // crash the process: the pool replaces it on next use.
    pool.on("error", (err) => getLog().error({ event: "db.connection_lost", error: err.message }, "idle PostgreSQL connection lost"));
    const adapter = new PrismaPg(pool);
    // Safe: same models, same query API (see the `Db` comment above). TypeScript
    // cannot relate the two generated modules' generic signatures by itself.
    const client = new PostgresPrismaClient({ adapter }) as unknown as Db;
    attachPgReader(client, pool);
    const disconnect = client.$disconnect.bind(client);
    client.$disconnect = async () => {
      await disconnect();
      if (!pool.ended && !pool.ending) await pool.end();
    };
    return client;
  }
  const file = url.replace(/^file:/, "");
  const client = new SqlitePrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 5000 }) });
  // A read-only connection for the history page and a writable one for the
  // call rows written on every ring, closed with the client (./sqlite-reader.ts
  // says why).
  const connections = attachSqliteConnections(client, file);
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    connections.close();
    await disconnect();
  };
  return client;
}

/** The shared client for DATABASE_URL (created on first use). */
export function getDb(url = process.env.DATABASE_URL ?? "file:./data/dialtone.db"): Db {
  if (!slot.__dialtoneDb) slot.__dialtoneDb = { url, client: createDb(url) };
  return slot.__dialtoneDb.client;
}

export function setDb(url: string, client: Db): void {
  slot.__dialtoneDb = { url, client };
}
