// The one Prisma client of the process. The custom server and Next's bundled
// route code load this module separately, so the instance lives in a typed
// globalThis slot: both get the same client (and the same SQLite connection).
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/sqlite/client";

export type Db = PrismaClient;

const slot = globalThis as typeof globalThis & { __dialtoneDb?: { url: string; client: PrismaClient } };

export function createDb(url: string): PrismaClient {
  const adapter = new PrismaBetterSqlite3({ url: url.replace(/^file:/, ""), timeout: 5000 });
  return new PrismaClient({ adapter });
}

/** The shared client for DATABASE_URL (created on first use). */
export function getDb(url = process.env.DATABASE_URL ?? "file:./data/dialtone.db"): PrismaClient {
  if (!slot.__dialtoneDb) slot.__dialtoneDb = { url, client: createDb(url) };
  return slot.__dialtoneDb.client;
}

export function setDb(url: string, client: PrismaClient): void {
  slot.__dialtoneDb = { url, client };
}
