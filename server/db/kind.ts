// The one rule that picks the database from DATABASE_URL. Used by the env
// check, the client factory and the migration runner, so they can never
// disagree: file: → SQLite (embedded default), postgres:/postgresql: → PostgreSQL.

export type DbKind = "sqlite" | "postgresql";

export const DATABASE_URL_HINT =
  "must be file:<path> (SQLite, e.g. file:./data/dialtone.db) or postgres://user:password@host:5432/dbname (PostgreSQL)";

/** The kind of database a URL names, or undefined when it names neither. */
export function dbKindOf(url: string): DbKind | undefined {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  return undefined;
}

/** The kind of database a URL names; throws a readable error for anything else. */
export function dbKind(url: string): DbKind {
  const kind = dbKindOf(url);
  if (!kind) throw new Error(`DATABASE_URL ${DATABASE_URL_HINT} (got "${redactUrl(url)}")`);
  return kind;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}
