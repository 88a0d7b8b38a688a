// Prisma CLI configuration. Only `prisma generate` runs in this project (see
// scripts/prisma-generate.mjs); migrations are applied by server/db/migrate.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/sqlite/schema.prisma",
  migrations: { path: "prisma/sqlite/migrations" },
});
