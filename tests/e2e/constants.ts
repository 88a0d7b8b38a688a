// Values shared by playwright.config.ts (server environment) and the specs.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3211);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** Seconds the server lets a call ring before it ends as missed / "No answer". */
export const RING_TIMEOUT_SECONDS = 8;
/** Seconds the server waits for a lost peer before ending an active call. */
export const CALL_GRACE_SECONDS = 5;
