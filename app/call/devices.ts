// What changed in the list of cameras, microphones and speakers when the
// browser fires `devicechange`: the device in use is gone (fall back to the
// default), or a new one came (offer it). Pure functions over the lists
// enumerateDevices() gives, so the rules are tested without hardware.

export type DeviceInfo = { kind: MediaDeviceKind; deviceId: string; label: string };

/** Chromium's pseudo-devices that follow the system's choice: never "new", never "gone". */
const ALIASES = new Set(["default", "communications", ""]);

/** Devices in `after` that were not in `before` (real devices only, not the "default" aliases). */
export function addedDevices(before: DeviceInfo[], after: DeviceInfo[]): DeviceInfo[] {
  const known = new Set(before.map((d) => `${d.kind}:${d.deviceId}`));
  return after.filter((d) => !ALIASES.has(d.deviceId) && !known.has(`${d.kind}:${d.deviceId}`));
}

/**
 * The device a track in use runs on is no longer listed (unplugged). A track
 * without a device id, or on an alias, is never "gone": the browser moves it
 * to the new default itself.
 */
export function deviceGone(devices: DeviceInfo[], kind: "videoinput" | "audioinput" | "audiooutput", deviceId: string | undefined): boolean {
  if (!deviceId || ALIASES.has(deviceId)) return false;
  return !devices.some((d) => d.kind === kind && d.deviceId === deviceId);
}

/** The devices of one kind, aliases first as the browser lists them, without empty ids (no permission yet). */
export function devicesOf(devices: DeviceInfo[], kind: MediaDeviceKind): DeviceInfo[] {
  return devices.filter((d) => d.kind === kind && d.deviceId !== "");
}

/** The browser's current list (empty where the API is missing). */
export async function listDevices(): Promise<DeviceInfo[]> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.enumerateDevices) return [];
  try {
    return (await navigator.mediaDevices.enumerateDevices()).map((d) => ({ kind: d.kind, deviceId: d.deviceId, label: d.label }));
  } catch {
    return [];
  }
}
