// Values shared by playwright.config.ts (server environment) and the specs.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3211);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** Seconds the server lets a call ring before it ends as missed / "No answer". */
// 15 s: long enough for an axe scan of a ringing page on a busy machine (call-a11y.spec.ts).
export const RING_TIMEOUT_SECONDS = 15;
/** Seconds the server waits for a lost peer before ending an active call. */
export const CALL_GRACE_SECONDS = 5;

// coturn for the whole run (tests/e2e/global-setup.ts starts it, the server gets
// TURN_URLS/TURN_SECRET for it). Fixed: the suite runs in its own network namespace.
export const TURN_PORT = Number(process.env.E2E_TURN_PORT ?? 3479);
/** coturn's static-auth-secret for the run; test-only. */
export const TURN_SECRET = "dialtone-e2e-turn-secret-not-for-production";
export const TURN_REALM = "dialtone.test";
export const TURN_URL = `turn:127.0.0.1:${TURN_PORT}?transport=udp`;
/** Relay ports coturn allocates from (a small range is plenty for one call at a time). */
export const TURN_RELAY_PORTS = { min: 42000, max: 42199 } as const;

/**
 * Chromium flags for tests and benchmarks (see NOTES-STACK.md): no sandbox as
 * root, fake camera/microphone granted without a prompt, WebRTC on loopback,
 * and no DNS or background traffic of Chromium's own.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];
