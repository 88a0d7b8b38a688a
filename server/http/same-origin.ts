// Requests from our own pages only, for everything that changes state with the
// session cookie: the signaling handshake and every POST/PUT/PATCH/DELETE.
// SameSite=Lax keeps the cookie off cross-site POSTs, but not off requests from
// a same-site origin (another subdomain), and a text/plain "simple" request
// needs no CORS preflight. A browser always says which page sent a request
// (Origin on every non-GET and websocket request; Sec-Fetch-Site in modern
// browsers); non-browser clients send neither and are judged by the cookie alone.
import type { IncomingHttpHeaders } from "node:http";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** No Origin (not a browser), or an Origin whose host is the host the request came to. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return Boolean(host) && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A state-changing request sent by another site's page (refuse it: 403 forbidden_origin). */
export function crossSiteWrite(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (!WRITES.has(method ?? "")) return false;
  const { origin } = headers;
  if (origin) return !sameOrigin(origin, headers.host);
  const site = headers["sec-fetch-site"];
  // "none": typed in the address bar or a bookmark; absent: not a (modern) browser.
  return site !== undefined && site !== "same-origin" && site !== "none";
}
