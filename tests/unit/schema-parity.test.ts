// SQLite (default) and PostgreSQL (production) each have a schema folder and a
// generated client, and the app types against the SQLite one (server/db/client.ts).
// That is only sound while both schemas hold the same models, and both folders
// the same migrations: these tests fail the moment they drift.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { dbKind, dbKindOf, redactUrl } from "../../server/db/kind";
import { loadEnv } from "../../server/env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");

/** The schema without its generator/datasource blocks and `//` comments, as named blocks. */
function modelBlocks(schema: string): Map<string, string> {
  const body = schema
    .replace(/^\s*(generator|datasource)\s+\w+\s*\{[^}]*\}/gm, "")
    .split("\n")
    .filter((line) => !/^\s*\/\/(?!\/)/.test(line)) // keep `///` doc comments: they are part of the models
    .join("\n");
  const blocks = new Map<string, string>();
  for (const m of body.matchAll(/^(model|enum|view|type)\s+(\w+)\s*\{[\s\S]*?^\}/gm)) {
    blocks.set(`${m[1]} ${m[2]}`, m[0].trim());
  }
  // Nothing but blocks (and the `///` comments above them) may be left over.
  const rest = body
    .replace(/^(model|enum|view|type)\s+\w+\s*\{[\s\S]*?^\}/gm, "")
    .split("\n")
    .filter((l) => l.trim() && !l.trim().startsWith("///"));
  assert.deepEqual(rest, [], "unexpected text outside model blocks");
  return blocks;
}

describe("SQLite and PostgreSQL schemas", () => {
  const sqlite = read("prisma/sqlite/schema.prisma");
  const postgres = read("prisma/postgresql/schema.prisma");

  test("hold identical models (edit both schema.prisma files together)", () => {
    const a = modelBlocks(sqlite);
    const b = modelBlocks(postgres);
    assert.ok(a.size >= 4, `expected the models, found ${[...a.keys()].join(", ")}`);
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), "the same model names");
    for (const [name, block] of a) assert.equal(b.get(name), block, `${name} differs between prisma/sqlite and prisma/postgresql`);
  });

  test("each names its own provider and generated client folder", () => {
    assert.match(sqlite, /provider\s*=\s*"sqlite"/);
    assert.match(sqlite, /output\s*=\s*"\.\.\/\.\.\/server\/db\/generated\/sqlite"/);
    assert.match(postgres, /provider\s*=\s*"postgresql"/);
    assert.match(postgres, /output\s*=\s*"\.\.\/\.\.\/server\/db\/generated\/postgresql"/);
  });

  test("have the same migrations, and each folder's migration_lock.toml names its provider", () => {
    const names = (kind: string) =>
      fs
        .readdirSync(path.join(root, "prisma", kind, "migrations"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    assert.deepEqual(names("postgresql"), names("sqlite"), "every migration needs a twin for the other database");
    assert.match(read("prisma/sqlite/migrations/migration_lock.toml"), /provider = "sqlite"/);
    assert.match(read("prisma/postgresql/migrations/migration_lock.toml"), /provider = "postgresql"/);
  });

  test("create the same tables, indexes and foreign keys (by Prisma's names)", () => {
    const objects = (sql: string) =>
      [...sql.matchAll(/CREATE (?:UNIQUE )?(?:TABLE|INDEX) "(\w+)"|CONSTRAINT "(\w+_fkey)"/g)].map((m) => m[1] ?? m[2]).sort();
    for (const name of fs.readdirSync(path.join(root, "prisma/sqlite/migrations")).filter((n) => !n.endsWith(".toml"))) {
      assert.deepEqual(
        objects(read(`prisma/postgresql/migrations/${name}/migration.sql`)),
        objects(read(`prisma/sqlite/migrations/${name}/migration.sql`)),
        name,
      );
    }
  });
});

describe("DATABASE_URL picks the database", () => {
  test("file: → SQLite; postgres:// and postgresql:// → PostgreSQL", () => {
    assert.equal(dbKind("file:./data/dialtone.db"), "sqlite");
    assert.equal(dbKind("postgres://u:p@db:5432/dialtone"), "postgresql");
    assert.equal(dbKind("postgresql://u:p@db/dialtone?sslmode=require"), "postgresql");
    assert.equal(dbKindOf("mysql://u:p@db/dialtone"), undefined);
    assert.equal(dbKindOf("postgres:/missing-slashes"), undefined);
  });

  test("anything else is refused with a readable message that hides the password", () => {
    assert.throws(() => dbKind("mysql://u:secret@db/dialtone"), (err: Error) => /file:<path>/.test(err.message) && !err.message.includes("secret"));
    assert.equal(redactUrl("postgres://dialtone:s3cr3t@db:5432/x"), "postgres://dialtone:***@db:5432/x");
  });

  test("the env check accepts file: and postgres URLs and names the choice on error", () => {
    const base = { NODE_ENV: "test", AUTH_SECRET: "x".repeat(32) } as const;
    assert.equal(loadEnv({ ...base }).DATABASE_URL, "file:./data/dialtone.db");
    assert.equal(loadEnv({ ...base, DATABASE_URL: "postgresql://a:b@h/db" }).DATABASE_URL, "postgresql://a:b@h/db");
    assert.throws(() => loadEnv({ ...base, DATABASE_URL: "mysql://a:b@h/db" }), /DATABASE_URL: must be file:<path> \(SQLite/);
  });
});
