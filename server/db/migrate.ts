// Applies the committed Prisma migrations at start: prisma/sqlite/migrations for
// a file: DATABASE_URL, prisma/postgresql/migrations for a postgres:// one
// (`migrate(url)` picks by the same rule as the client, ./kind.ts).
// Prisma 7's CLI cannot migrate without downloading its native engine, so this
// does what `prisma migrate deploy` does: run each migration.sql not yet applied,
// in order, in a transaction, and record it in the standard `_prisma_migrations`
// table (checksum = sha256 of the SQL), so the official CLI can take over later.
import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { dbKind, redactUrl, type DbKind } from "./kind";

export const SQLITE_MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/sqlite/migrations");
export const POSTGRES_MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/postgresql/migrations");

/**
 * The advisory lock key `prisma migrate deploy` itself takes on PostgreSQL, so
 * our runner and the official CLI also exclude each other.
 */
export const POSTGRES_MIGRATION_LOCK_KEY = 72707369;

export function sqlitePathFromUrl(url: string): string {
  return path.resolve(url.replace(/^file:/, ""));
}

export type MigrationResult = { applied: string[]; total: number };

type Migration = { name: string; sql: string; checksum: string };

/** The committed migrations in `dir`, in order, with Prisma's checksum (sha256 of the file). */
function readMigrations(dir: string, kind: DbKind): Migration[] {
  // Prisma refuses to apply another provider's migrations (P3019); so do we.
  const lock = path.join(dir, "migration_lock.toml");
  if (fs.existsSync(lock)) {
    const provider = /provider\s*=\s*"([^"]+)"/.exec(fs.readFileSync(lock, "utf8"))?.[1];
    if (provider && provider !== kind) {
      throw new Error(`${dir} holds ${provider} migrations, but DATABASE_URL is a ${kind} database.`);
    }
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function changedAfterApplying(name: string): Error {
  return new Error(`Migration ${name} was changed after it was applied (checksum mismatch).`);
}

/** Applies the pending migrations of whichever database `url` names. */
export async function migrate(url: string, dir?: string): Promise<MigrationResult> {
  return dbKind(url) === "postgresql" ? migratePostgres(url, dir) : migrateSqlite(url, dir);
}

export function migrateSqlite(url: string, dir = SQLITE_MIGRATIONS_DIR): MigrationResult {
  const file = sqlitePathFromUrl(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const migrations = readMigrations(dir, "sqlite");
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied: string[] = [];
    for (const { name, sql, checksum } of migrations) {
      // IMMEDIATE takes the write lock first, so two processes starting at once
      // cannot both apply the same migration.
      const apply = db.transaction(() => {
        const row = db
          .prepare(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`)
          .get(name) as { checksum: string } | undefined;
        if (row) {
          if (row.checksum !== checksum) throw changedAfterApplying(name);
          return false;
        }
        const started = new Date().toISOString();
        db.exec(sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), checksum, new Date().toISOString(), name, started);
        return true;
      });
      if (apply.immediate()) applied.push(name);
    }
    return { applied, total: migrations.length };
  } finally {
    db.close();
  }
}

/**
 * PostgreSQL: one connection holds Prisma's advisory lock for the whole run, so
 * nodes starting together apply each migration exactly once (the others wait,
 * then find it recorded). Each migration runs in its own transaction with its
 * `_prisma_migrations` row (PostgreSQL DDL is transactional: a failing
 * migration leaves nothing behind and no row).
 */
export async function migratePostgres(url: string, dir = POSTGRES_MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir, "postgresql");
  const client = new pg.Client({ connectionString: url, application_name: "dialtone-migrate" });
  // A dropped connection rejects the pending query; without a listener it would also crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_MIGRATION_LOCK_KEY]);
    // Prisma's own DDL for this table on PostgreSQL.
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"              VARCHAR(64) NOT NULL,
      "finished_at"           TIMESTAMPTZ,
      "migration_name"        VARCHAR(255) NOT NULL,
      "logs"                  TEXT,
      "rolled_back_at"        TIMESTAMPTZ,
      "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const applied: string[] = [];
    for (const { name, sql, checksum } of migrations) {
      const recorded = rows.filter((r) => r.migration_name === name);
      const done = recorded.find((r) => r.finished_at !== null);
      if (done) {
        if (done.checksum !== checksum) throw changedAfterApplying(name);
        continue;
      }
      if (recorded.length > 0) {
        // Left by `prisma migrate deploy` after a failure (it records before applying).
        throw new Error(`Migration ${name} failed earlier and is marked as failed in _prisma_migrations: resolve it first (prisma migrate resolve).`);
      }
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
          id,
          checksum,
          name,
        ]);
        await client.query(sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`Migration ${name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      applied.push(name);
    }
    return { applied, total: migrations.length };
  } finally {
    // Ending the session releases the advisory lock as well.
    await client.query("SELECT pg_advisory_unlock($1)", [POSTGRES_MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
