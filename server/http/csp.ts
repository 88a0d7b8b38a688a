// The Content-Security-Policy of every page, stated once. proxy.ts makes a
// nonce per request and sends this policy on the response and, for Next, on
// the request: Next then puts the nonce on every script it renders. With
// 'strict-dynamic' only scripts carrying the nonce (and what they load) run:
// no inline script an attacker injects, no 'unsafe-inline'. Pages must render
// per request for this (app/layout.tsx: dynamic), a prerendered page has no nonce.
// No Node-only imports: proxy.ts may run outside Node.

/** ws:/wss: origin of the public URL (the signaling websocket), if it is one. */
function websocketOrigin(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    return `${u.protocol === "https:" ? "wss:" : "ws:"}//${u.host}`;
  } catch {
    return undefined;
  }
}

export function contentSecurityPolicy(o: { nonce: string; dev: boolean; publicUrl?: string }): string {
  const ws = websocketOrigin(o.publicUrl);
  return [
    "default-src 'self'",
    // 'self' is a fallback for browsers without 'strict-dynamic' (CSP 2); development needs eval for HMR.
    `script-src 'self' 'nonce-${o.nonce}' 'strict-dynamic'${o.dev ? " 'unsafe-eval'" : ""}`,
    // Next and the UI set inline style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // Media streams are blob:/MediaStream objects, never remote URLs.
    "media-src 'self' blob:",
    "font-src 'self'",
    // The service worker (public/sw.js: call notifications' Accept / Decline).
    "worker-src 'self'",
    "manifest-src 'self'",
    // Our own origin and its websocket (CSP 2 browsers do not count ws: as 'self').
    `connect-src 'self'${ws ? ` ${ws}` : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
