// The next-auth cookies, configured explicitly rather than left to defaults:
// every one HttpOnly (no script, not even an injected one, can read the
// session), SameSite=Lax (not sent on cross-site POSTs, so no CSRF through a
// form on another site), path /, and Secure with the `__Secure-`/`__Host-`
// name prefixes when the public URL is https. The signaling handshake reads
// the session cookie by the same rule (`secureCookie`), so both agree on its name.
import type { CookiesOptions } from "next-auth";

/** Secure cookies iff the app is served over https (NEXTAUTH_URL). */
export function secureCookiesFor(publicUrl: string | undefined = process.env.NEXTAUTH_URL): boolean {
  return (publicUrl ?? "").startsWith("https://");
}

export function authCookies(secure: boolean): CookiesOptions {
  const prefix = secure ? "__Secure-" : "";
  const options = { httpOnly: true, sameSite: "lax", path: "/", secure } as const;
  return {
    sessionToken: { name: `${prefix}next-auth.session-token`, options },
    callbackUrl: { name: `${prefix}next-auth.callback-url`, options },
    // __Host-: also bound to this exact host (no Domain attribute allowed).
    csrfToken: { name: `${secure ? "__Host-" : ""}next-auth.csrf-token`, options },
    // Only used by OAuth providers (none yet); set so no cookie is left to defaults.
    pkceCodeVerifier: { name: `${prefix}next-auth.pkce.code_verifier`, options: { ...options, maxAge: 15 * 60 } },
    state: { name: `${prefix}next-auth.state`, options: { ...options, maxAge: 15 * 60 } },
    nonce: { name: `${prefix}next-auth.nonce`, options },
  };
}
