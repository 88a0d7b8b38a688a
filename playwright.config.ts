// Playwright: the browser suite, driven through Debian's Chromium with fake media.
// Run it with `npm run test:e2e` (scripts/e2e.mjs builds the app and isolates the
// network first); running `playwright test` directly needs an up-to-date `next build`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { BASE_URL, CALL_GRACE_SECONDS, CHROMIUM_ARGS, E2E_PORT as PORT, RING_TIMEOUT_SECONDS, TURN_SECRET, TURN_URL } from "./tests/e2e/constants";

// One data directory per run. The config is evaluated again in every worker process:
// setting the variable here makes the workers inherit the main process's directory.
process.env.DIALTONE_E2E_DATA_DIR ||= fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-e2e-"));
const DATA_DIR = process.env.DIALTONE_E2E_DATA_DIR;

// scripts/e2e.mjs sets CHROMIUM_PATH after making sure the binary exists.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/lib/chromium/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  // Starts the run's coturn (and stops it afterwards): the server below hands out credentials for it.
  globalSetup: "./tests/e2e/global-setup.ts",
  // One 1:1 call costs about half a core: calls run one at a time.
  workers: 1,
  fullyParallel: false,
  // No retries: a flaky call is a bug to look at, not to hide.
  retries: 0,
  forbidOnly: process.env.CI === "true",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    permissions: ["camera", "microphone"],
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // The real production server (Next + Socket.IO on one port), as `npm start` runs it.
    command: "node --import tsx server/index.ts",
    url: `${BASE_URL}/signin`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets the server close sockets and the database; Playwright SIGKILLs
    // the process group if it is still there after the timeout.
    gracefulShutdown: { signal: "SIGTERM", timeout: 6_000 },
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      DATA_DIR,
      DATABASE_URL: `file:${path.join(DATA_DIR, "e2e.db")}`,
      RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS),
      // every e2e user signs up from 127.0.0.1
      SIGNUPS_PER_IP_PER_HOUR: "1000",
      HANDSHAKES_PER_IP_PER_MINUTE: "100000",
      SOCKETS_PER_IP: "100000",
      CALL_GRACE_SECONDS: String(CALL_GRACE_SECONDS),
      NEXTAUTH_URL: BASE_URL,
      NEXT_TELEMETRY_DISABLED: "1",
      // Warnings and errors only: one JSON line per call event would bury the test report.
      LOG_LEVEL: "warn",
      // TURN as in production; browsers still connect directly unless a spec forces relay.
      TURN_URLS: TURN_URL,
      TURN_SECRET,
    },
  },
});
