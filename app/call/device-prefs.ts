// The camera, microphone and speaker this browser chose (device settings in a
// call, or the device check before one), remembered in localStorage. Device
// ids are stable per origin and browser; the label is kept to say which one.
// Calls start with the chosen devices when they are there (a missing one falls
// back to the default).

export type DeviceKind = "videoinput" | "audioinput" | "audiooutput";
export type ChosenDevice = { id: string; label: string };
export type DevicePrefs = Partial<Record<DeviceKind, ChosenDevice>>;

const KEY = "dialtone.devices";
const listeners = new Set<() => void>();
let cache: DevicePrefs | null = null;

function read(): DevicePrefs {
  if (cache) return cache;
  cache = {};
  try {
    const raw = typeof localStorage === "undefined" ? null : localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === "object") {
      for (const kind of ["videoinput", "audioinput", "audiooutput"] as const) {
        const d = (parsed as Record<string, unknown>)[kind] as Partial<ChosenDevice> | undefined;
        if (d && typeof d.id === "string" && d.id.length <= 256) cache[kind] = { id: d.id, label: typeof d.label === "string" ? d.label.slice(0, 200) : "" };
      }
    }
  } catch {
    // unreadable or blocked storage: no preference
  }
  return cache;
}

/** The remembered choices (a new object after each change: a useSyncExternalStore snapshot). */
export function devicePrefs(): DevicePrefs {
  return read();
}

export function subscribeDevicePrefs(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Remember `device` for `kind` (null: the browser's default). */
export function chooseDevice(kind: DeviceKind, device: ChosenDevice | null): void {
  const next = { ...read() };
  if (device) next[kind] = device;
  else delete next[kind];
  cache = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // private mode with storage off: remembered for this page only
  }
  for (const fn of listeners) fn();
}

/**
 * getUserMedia with the chosen camera and microphone, or the browser's
 * defaults for a chosen one that is not there any more. The ids are asked
 * for `exact`ly: Chromium ignores an `ideal` device id when it would rather
 * use another device.
 */
export async function getPreferredMedia(want: { audio: boolean; video: boolean }): Promise<MediaStream> {
  const prefs = read();
  const chosen = (kind: "audio" | "video"): MediaTrackConstraints | boolean => {
    if (!want[kind]) return false;
    const d = prefs[kind === "video" ? "videoinput" : "audioinput"];
    return d ? { deviceId: { exact: d.id } } : true;
  };
  const constraints = { audio: chosen("audio"), video: chosen("video") };
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    const refused = err instanceof DOMException && (err.name === "NotAllowedError" || err.name === "SecurityError");
    if (refused || (constraints.audio === want.audio && constraints.video === want.video)) throw err;
    // A chosen device is unplugged (OverconstrainedError / NotFoundError): the defaults.
    return navigator.mediaDevices.getUserMedia(want);
  }
}
