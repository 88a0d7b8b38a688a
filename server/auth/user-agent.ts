// "Chrome on Windows" from a User-Agent header, for the account page's list of
// signed-in sessions. A rough guess on purpose (a header any client can set):
// it helps a person recognise their own devices, nothing is decided by it.
// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari",
// Android also says "Linux", iPadOS may say "Macintosh".

export type Device = {
  /** "Chrome", "Firefox", … or null when it cannot tell. */
  browser: string | null;
  /** "Windows", "macOS", "Android", … or null. */
  system: string | null;
  /** A phone or tablet (for the icon). */
  mobile: boolean;
};

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\b(?:OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bCriOS\//, "Chrome"],
  [/\bChromium\//, "Chromium"],
  [/\b(?:Headless)?Chrome\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPad\b/, "iPadOS"],
  [/\biPhone\b|\biPod\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

export function describeUserAgent(ua: string | null | undefined): Device {
  const text = (ua ?? "").slice(0, 512);
  const browser = BROWSERS.find(([re]) => re.test(text))?.[1] ?? null;
  const system = SYSTEMS.find(([re]) => re.test(text))?.[1] ?? null;
  const mobile = /\bMobile\b|\biPhone\b|\biPad\b|\bAndroid\b/.test(text);
  return { browser, system, mobile };
}
