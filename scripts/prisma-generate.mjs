// Runs `prisma generate` without the native schema engine, for both clients:
// prisma/sqlite (the embedded default) and prisma/postgresql (production).
// Prisma 7's CLI wants a schema-engine binary it downloads at install time; this
// machine (and many air-gapped ones) cannot download it. `generate` never runs
// the engine, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file is
// enough. Migrations are applied by our own runner (server/db/migrate.ts).
// `--schema` picks each schema explicitly (prisma.config.ts names the SQLite one
// for any other CLI use).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
for (const schema of ["prisma/sqlite/schema.prisma", "prisma/postgresql/schema.prisma"]) {
  const result = spawnSync(process.execPath, [cli, "generate", "--schema", schema], { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`[prisma-generate] prisma generate --schema ${schema} failed`);
    process.exit(result.status ?? 1);
  }
}
