// Applies the committed Prisma migrations (prisma/sqlite/migrations) at start.
// Prisma 7's CLI cannot migrate without downloading its native engine, so this
// does what `prisma migrate deploy` does: run each migration.sql not yet applied,
// in order, in a transaction, and record it in the standard `_prisma_migrations`
// table (checksum = sha256 of the SQL), so the official CLI can take over later.
import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const SQLITE_MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/sqlite/migrations");

export function sqlitePathFromUrl(url: string): string {
  return path.resolve(url.replace(/^file:/, ""));
}

export type MigrationResult = { applied: string[]; total: number };

export function migrateSqlite(url: string, dir = SQLITE_MIGRATIONS_DIR): MigrationResult {
  const file = sqlitePathFromUrl(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
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
    const names = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
      .map((d) => d.name)
      .sort();
    const applied: string[] = [];
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      // IMMEDIATE takes the write lock first, so two processes starting at once
      // cannot both apply the same migration.
      const apply = db.transaction(() => {
        const row = db
          .prepare(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`)
          .get(name) as { checksum: string } | undefined;
        if (row) {
          if (row.checksum !== checksum) {
            throw new Error(`Migration ${name} was changed after it was applied (checksum mismatch).`);
          }
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
    return { applied, total: names.length };
  } finally {
    db.close();
  }
}
