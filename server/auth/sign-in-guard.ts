// Sign-in protection against guessing that hands attackers no lockout
// (rate-limiter-flexible's "login endpoint protection" pattern). Only failures
// count, in three places:
// - per (email, IP): consecutive failures; past the limit that pair is
//   refused for a while. A success clears it. The owner signing in from
//   another address is not affected by what an attacker did from theirs.
// - per IP: failures across all emails; past the limit the address is refused
//   (one machine guessing many accounts, or one account many times).
// - per email, across addresses: never refuses, only slows the answer down
//   (a distributed guess at one account costs time; the owner still gets in).
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DialtoneError } from "../protocol/errors";
import type { Limits } from "../rate-limits";

/** Failures per email (any IP) in the window before answers are slowed down. */
const SLOW_AFTER = 10;
const SLOW_STEP_MS = 200;
const SLOW_MAX_MS = 2_000;

type SignInLimits = Pick<Limits, "signInFailEmailIp" | "signInFailIp" | "signInFailEmail">;

const pairKey = (email: string, ip: string) => `${email}_${ip}`;

async function consumed(limiter: RateLimiterAbstract, key: string): Promise<number> {
  return (await limiter.get(key))?.consumedPoints ?? 0;
}

/** Refuse (`rate_limited`) before any password is checked, or wait out the slow-down. */
export async function beforeSignIn(limits: SignInLimits, email: string, ip: string, sleep = defaultSleep): Promise<void> {
  const [pair, byIp, byEmail] = await Promise.all([
    consumed(limits.signInFailEmailIp, pairKey(email, ip)),
    consumed(limits.signInFailIp, ip),
    consumed(limits.signInFailEmail, email),
  ]);
  if (pair >= limits.signInFailEmailIp.points || byIp >= limits.signInFailIp.points) throw new DialtoneError("rate_limited");
  const delay = Math.min(SLOW_MAX_MS, Math.max(0, byEmail - SLOW_AFTER + 1) * SLOW_STEP_MS);
  if (delay > 0) await sleep(delay);
}

/** Count a wrong password (or an unknown email). */
export async function signInFailed(limits: SignInLimits, email: string, ip: string): Promise<void> {
  await Promise.all([
    limits.signInFailEmailIp.consume(pairKey(email, ip)),
    limits.signInFailIp.consume(ip),
    limits.signInFailEmail.consume(email),
  ]).catch((err: unknown) => {
    // Past a limit: the next attempt is refused by beforeSignIn; this one is answered.
    if (!(err instanceof RateLimiterRes)) throw err;
  });
}

/** A correct password: that address's consecutive failures for this email are forgiven. */
export async function signInSucceeded(limits: SignInLimits, email: string, ip: string): Promise<void> {
  await limits.signInFailEmailIp.delete(pairKey(email, ip));
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
