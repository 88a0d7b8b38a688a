// Runs once per Playwright run: starts the run's coturn, which the web server is
// pointed at (TURN_URLS/TURN_SECRET in playwright.config.ts), so every spec runs
// with TURN configured as in production. The returned function is the global
// teardown: it stops coturn by its PID, whether the tests passed or not.
import os from "node:os";
import path from "node:path";
import { startCoturn } from "./coturn";
import { TURN_PORT, TURN_REALM, TURN_RELAY_PORTS, TURN_SECRET } from "./constants";

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Inside the run's data directory: scripts/e2e.mjs keeps it (with coturn's log) when the run fails.
  const dir = path.join(process.env.DIALTONE_E2E_DATA_DIR ?? os.tmpdir(), `coturn-${process.pid}`);
  const coturn = await startCoturn({
    port: TURN_PORT,
    secret: TURN_SECRET,
    realm: TURN_REALM,
    minPort: TURN_RELAY_PORTS.min,
    maxPort: TURN_RELAY_PORTS.max,
    dir,
  });
  // Workers start after global setup and inherit this: specs read coturn's log.
  process.env.DIALTONE_E2E_COTURN_LOG = coturn.logFile;
  console.log(`[e2e] coturn (pid ${coturn.pid}) on 127.0.0.1:${TURN_PORT}, log ${coturn.logFile}`);
  return () => coturn.stop();
}
