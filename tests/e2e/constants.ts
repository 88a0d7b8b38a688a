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
 *
 * Fake devices and screen share (measured with Chromium 156 here):
 * `device-count=3` gives three cameras (`fake_device_0..2`, 640x480),
 * microphones ("Fake Default Audio Input", "Fake Audio Input 1…") and audio
 * outputs in enumerateDevices(). The cameras differ in pixel format:
 * fake_device_1 delivers Y16 (a depth camera's format), which a video
 * element shows but WebRTC never encodes (a sender given it sends no frame);
 * fake_device_2 (MJPEG) is the one to switch to. With `--use-fake-ui-for-media-stream`
 * getDisplayMedia({ video: true }) returns a fake 1280x720 30 fps monitor
 * ("screen:…") without a prompt (`--auto-select-desktop-capture-source`
 * names the source for builds that show the picker anyway). FAKE_MEDIA
 * describes them for the specs.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream=device-count=3",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--auto-select-desktop-capture-source=Entire screen",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/** What CHROMIUM_ARGS' fake devices look like (labels as enumerateDevices() gives them once permission is granted). */
export const FAKE_MEDIA = {
  cameras: ["fake_device_0", "fake_device_1", "fake_device_2"],
  /** A second camera WebRTC can send (fake_device_1 is Y16: see above). */
  otherCamera: "fake_device_2",
  microphones: ["Fake Default Audio Input", "Fake Audio Input 1", "Fake Audio Input 2"],
  speakers: ["Fake Default Audio Output", "Fake Audio Output 1", "Fake Audio Output 2"],
  camera: { width: 640, height: 480 },
  screen: { width: 1280, height: 720 },
} as const;
