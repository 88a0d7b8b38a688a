// Rate limits (rate-limiter-flexible). In memory for one node; with REDIS_URL
// the per-user and per-IP limits live in Redis so every node counts the same.
// The per-socket message limit is a counter kept on the socket itself: a
// socket lives on one node, it is asked for every SDP/ICE message, and a
// limiter entry (and its expiry timer) per socket would cost every connection.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DialtoneError } from "./call/errors";
import { getEnv } from "./env";
import type { RedisClient } from "./redis";

export type Limits = ReturnType<typeof createLimits>;

export type LimitOptions = {
  signUpsPerHour?: number;
  ringsPerMinute?: number;
  socketsPerUser?: number;
  /** Failed sign-ins one IP may make per day (tests lower it). */
  signInFailuresPerIp?: number;
  redis?: RedisClient;
};

export function createLimits(o: LimitOptions = {}) {
  const shared = (keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract =>
    o.redis
      ? new RateLimiterRedis({ storeClient: o.redis, useRedisPackage: true, keyPrefix: `dialtone:rl:${keyPrefix}`, points, duration, blockDuration })
      : new RateLimiterMemory({ keyPrefix, points, duration, blockDuration });
  return {
    /** Rings a user may start per minute. */
    ring: shared("ring", o.ringsPerMinute ?? 20, 60),
    /** Signaling messages (SDP/ICE and all other events) per socket per second. */
    socketMessages: new MessageLimit(100),
    /**
     * Signaling sockets one user may hold open on one node (tabs, devices):
     * each costs memory and a share of every ring, and the per-socket message
     * limit would otherwise grow with them.
     */
    socketsPerUser: o.socketsPerUser ?? 20,
    /**
     * Failed sign-ins (server/auth/sign-in-guard.ts): consecutive ones per
     * (email, IP), 10 then that pair waits 15 min; per IP, 100 a day then
     * that address waits a day; per email from any IP, only a slow-down.
     */
    signInFailEmailIp: shared("signin-fail-email-ip", 10, 15 * 60, 15 * 60),
    signInFailIp: shared("signin-fail-ip", o.signInFailuresPerIp ?? 100, 24 * 60 * 60, 24 * 60 * 60),
    signInFailEmail: shared("signin-fail-email", 1_000_000, 15 * 60),
    /** Contact requests a user may send per hour (they reach other people). */
    contactRequest: shared("contact-request", 30, 60 * 60),
    /** Sign-ups per IP per hour. */
    signUpIp: shared("signup-ip", o.signUpsPerHour ?? 20, 60 * 60),
  };
}

/** A fixed one-second window counted in a small object the caller keeps (on the socket). */
export class MessageLimit {
  constructor(readonly perSecond: number) {}

  /** Count one message; throws `rate_limited` past `perSecond` in the current second. */
  take(counter: MessageCounter, now = Date.now()): void {
    if (now - counter.windowStart >= 1000) {
      counter.windowStart = now;
      counter.count = 0;
    }
    if (++counter.count > this.perSecond) throw new DialtoneError("rate_limited");
  }
}
export type MessageCounter = { windowStart: number; count: number };

/** Consume one point or throw a `rate_limited` DialtoneError. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new DialtoneError("rate_limited");
    throw err;
  }
}

const slot = globalThis as typeof globalThis & { __dialtoneLimits?: Limits };
/** Install the process-wide limiters (the server does, before Next handles requests). */
export function setLimits(limits: Limits): void {
  slot.__dialtoneLimits = limits;
}

/** The process-wide limiters (shared by the custom server and Next's route code). */
export function getLimits(): Limits {
  slot.__dialtoneLimits ??= createLimits({ signUpsPerHour: getEnv().SIGNUPS_PER_IP_PER_HOUR, ringsPerMinute: getEnv().RINGS_PER_USER_PER_MINUTE });
  return slot.__dialtoneLimits;
}
