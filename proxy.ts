// Runs before every page: a per-request CSP nonce for all of them
// (server/http/csp.ts), and a session for every page but sign-in / sign-up
// (next-auth withAuth; API routes answer 401 themselves).
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { withAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { contentSecurityPolicy, newNonce } from "./server/http/csp";

const SIGNED_OUT_PAGES = /^\/(signin|signup)(\/|$)/;

/** Continues with the policy on the response, and on the request for Next to find its nonce. */
function withNonce(req: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV !== "production", publicUrl: process.env.NEXTAUTH_URL });
  const headers = new Headers(req.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

const signedIn = withAuth((req) => withNonce(req), { pages: { signIn: "/signin" } });

export default function proxy(req: NextRequest, event: NextFetchEvent) {
  return SIGNED_OUT_PAGES.test(req.nextUrl.pathname) ? withNonce(req) : signedIn(req as NextRequestWithAuth, event);
}

export const config = {
  matcher: [
    {
      // Not API routes, Next's static files, or the public files every visitor may fetch (the
      // manifest is fetched without cookies; the service worker script has its own scope rules).
      source: "/((?!api|_next/static|_next/image|favicon.ico|icon.svg|sw.js|manifest.webmanifest).*)",
      // Prefetches get no HTML of their own: no nonce needed.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
