// `npm run screenshots`: the e2e set-up (production build, the real server in
// a loopback-only namespace; see scripts/e2e.mjs) driving tests/screens/ only.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({
  ...base,
  testDir: "tests/screens",
  outputDir: ".tmp/screens-results",
});
