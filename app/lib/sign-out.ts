"use client";
// Leaving a session. Two ways:
// - signOutNow: the user signs this browser out (or has just deleted the
//   account): next-auth's sign-out (POST /api/auth/signout: the session row
//   goes, the cookie is cleared), then the sign-in page. next-auth's client
//   (≈12 KB) is fetched only then.
// - leaveEndedSession: the server says the session this tab connected with
//   has ended (signed out from another device, a new password, the account
//   deleted). It does not sign out whatever cookie the browser holds now (it
//   may be a newer session, even another user's, signed in from another tab):
//   asking next-auth for the session clears an ended one's cookie, and the
//   tab goes to the sign-in page, or starts over as the session that is there.

/** Why the sign-in page is shown (it says so): this browser's session was ended elsewhere, or the account was deleted. */
export type SignedOutBecause = "ended" | "deleted";

let leaving = false;
/** Why this page expects its session to end (the account is being deleted), whichever path notices first. */
let expected: SignedOutBecause | undefined;

/**
 * This page is about to end its own session (`deleted`), or no longer is
 * (undefined): the server's `session:ended` may arrive before the request's
 * answer, and the sign-in page should give the reason this page knows.
 */
export function expectSignOut(because: SignedOutBecause | undefined): void {
  expected = because;
}

const signInPage = (because: SignedOutBecause | undefined) => (because ? `/signin?signedOut=${because}` : "/signin");

/** Signs this browser out and opens /signin (with a notice when there is a reason). Only the first call does anything. */
export async function signOutNow(because?: SignedOutBecause): Promise<void> {
  if (leaving) return;
  leaving = true;
  const callbackUrl = signInPage(expected ?? because);
  try {
    const { signOut } = await import("next-auth/react");
    await signOut({ callbackUrl });
  } catch {
    // The cookie of an ended session opens nothing any more: the sign-in page is enough.
    window.location.assign(callbackUrl);
  }
}

/** The session this tab connected with has ended: to the sign-in page, unless the browser is signed in again. */
export async function leaveEndedSession(): Promise<void> {
  if (leaving) return;
  leaving = true;
  try {
    // An ended session's cookie is replaced by an empty one in this answer (server/auth/options.ts, callbacks.jwt).
    const res = await fetch("/api/auth/session", { cache: "no-store" });
    const session = (await res.json()) as { user?: unknown };
    if (session.user) {
      // A full load on purpose: the whole app starts over as that session.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign("/");
      return;
    }
  } catch {
    // Unreachable: the sign-in page will tell.
  }
  window.location.assign(signInPage(expected ?? "ended"));
}
