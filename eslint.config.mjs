import next from "eslint-config-next";

const config = [
  { ignores: ["node_modules/", ".next/", "server/db/generated/", "data/", ".tmp/", "test-results/", "playwright-report/", "next-env.d.ts"] },
  ...next,
];

export default config;
