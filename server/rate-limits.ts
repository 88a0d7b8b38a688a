// Rate limits (rate-limiter-flexible). In-memory for one node; the Redis-backed
// variant plugs in here when several nodes share the load.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { DialtoneError } from "./call/errors";
import { getEnv } from "./env";

export type Limits = ReturnType<typeof createLimits>;

export function createLimits(o: { signUpsPerHour?: number } = {}) {
  return {
    /** Rings a user may start per minute. */
    ring: new RateLimiterMemory({ keyPrefix: "ring", points: 20, duration: 60 }),
    /** Signaling messages (SDP/ICE and all other events) per socket per second. */
    socketMessages: new RateLimiterMemory({ keyPrefix: "sock", points: 100, duration: 1 }),
    /** Sign-in attempts per email per 15 minutes, and per IP. */
    signInEmail: new RateLimiterMemory({ keyPrefix: "signin-email", points: 10, duration: 15 * 60 }),
    signInIp: new RateLimiterMemory({ keyPrefix: "signin-ip", points: 50, duration: 15 * 60 }),
    /** Sign-ups per IP per hour. */
    signUpIp: new RateLimiterMemory({ keyPrefix: "signup-ip", points: o.signUpsPerHour ?? 20, duration: 60 * 60 }),
  };
}

/** Consume one point or throw a `rate_limited` DialtoneError. */
export async function consume(limiter: RateLimiterMemory, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new DialtoneError("rate_limited");
    throw err;
  }
}

const slot = globalThis as typeof globalThis & { __dialtoneLimits?: Limits };
/** The process-wide limiters (shared by the custom server and Next's route code). */
export function getLimits(): Limits {
  slot.__dialtoneLimits ??= createLimits({ signUpsPerHour: getEnv().SIGNUPS_PER_IP_PER_HOUR });
  return slot.__dialtoneLimits;
}
