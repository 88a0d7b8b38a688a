// Which certificates this browser has verified for each contact (like a
// messaging app's verified safety numbers), kept in localStorage under the
// signed-in user. A later call with one of them shows "Verified"; a call with
// another certificate after a verification shows that it changed (a new
// device, cleared browser data — or someone in the middle). The server holds
// none of it, so nothing it says can make a call look verified.

export type TrustState = "unverified" | "verified" | "changed";

/** Certificates kept per contact (their devices); the oldest go first. */
const PER_CONTACT = 8;

function key(me: string): string {
  return `dialtone.verified.${me}`;
}

function readAll(me: string): Record<string, string[]> {
  try {
    const raw = localStorage.getItem(key(me));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(parsed)) if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string");
    return out;
  } catch {
    return {};
  }
}

/** What this browser knows of `contact`'s certificate `fingerprint` (canonical text, sas.ts). */
export function trustOf(me: string, contact: string, fingerprint: string): TrustState {
  const known = readAll(me)[contact] ?? [];
  if (known.includes(fingerprint)) return "verified";
  return known.length ? "changed" : "unverified";
}

/** The person compared the codes: remember this certificate of `contact` as verified. */
export function markVerified(me: string, contact: string, fingerprint: string): void {
  const all = readAll(me);
  all[contact] = [...(all[contact] ?? []).filter((f) => f !== fingerprint), fingerprint].slice(-PER_CONTACT);
  try {
    localStorage.setItem(key(me), JSON.stringify(all));
  } catch {
    // storage full or blocked: the mark lasts for this call only
  }
}

/** Forget the verification of `fingerprint` (the person undid it). */
export function unmarkVerified(me: string, contact: string, fingerprint: string): void {
  const all = readAll(me);
  all[contact] = (all[contact] ?? []).filter((f) => f !== fingerprint);
  if (!all[contact].length) delete all[contact];
  try {
    localStorage.setItem(key(me), JSON.stringify(all));
  } catch {
    // as above
  }
}
