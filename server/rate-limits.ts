// Rate limits (rate-limiter-flexible). In memory for one node; with REDIS_URL
// the per-user and per-IP limits live in Redis so every node counts the same.
// The per-socket message limit is a counter kept on the socket itself: a
// socket lives on one node, it is asked for every SDP/ICE message, and a
// limiter entry (and its expiry timer) per socket would cost every connection.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DialtoneError } from "./protocol/errors";
import { getEnv } from "./env";
import type { RedisClient } from "./redis";
import { getMetrics } from "./observability/metrics";

export type Limits = ReturnType<typeof createLimits>;

export type LimitOptions = {
  signUpsPerHour?: number;
  ringsPerMinute?: number;
  socketsPerUser?: number;
  /** Signaling events one user may send per second, all sockets together (default 100). */
  userMessagesPerSecond?: number;
  /** Per client IP (server/index.ts passes HANDSHAKES_PER_IP_PER_MINUTE and SOCKETS_PER_IP); unset: unlimited. */
  handshakesPerIpPerMinute?: number;
  socketsPerIp?: number;
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
    /**
     * Signaling messages (SDP/ICE and all other events) per user per second,
     * across all their sockets (and nodes, with Redis: server/signaling/cluster-budget.ts);
     * past twice that in a second the sending socket is read no more until the
     * second ends; past 50× that over the budget in a row, it is disconnected.
     */
    userMessages: new MessageLimit(o.userMessagesPerSecond ?? 100),
    /**
     * Signaling sockets one user may hold open on one node (tabs, devices):
     * each costs memory and a share of every ring.
     */
    socketsPerUser: o.socketsPerUser ?? 20,
    /** Signaling handshakes per client IP per minute (each costs a decryption and a database read); none: no limit. */
    handshakeIp: o.handshakesPerIpPerMinute === undefined ? undefined : shared("handshake-ip", o.handshakesPerIpPerMinute, 60),
    /** Signaling sockets one client IP may hold open on one node. */
    socketsPerIp: o.socketsPerIp ?? Number.POSITIVE_INFINITY,
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
    /** Changes of a user's settings (privacy), and connectivity checks (/check), per minute. */
    settingsChange: shared("settings-change", 30, 60),
    /** Account-page requests (list, sign out a session, …) per user per minute. */
    account: shared("account", 60, 60),
    /**
     * Current-password checks per user (a new password, a new email, deleting the account)
     * per 15 minutes: a stolen session cannot guess the password through them.
     */
    passwordCheck: shared("password-check", 10, 15 * 60),
    /** Sign-ups per IP per hour. */
    signUpIp: shared("signup-ip", o.signUpsPerHour ?? 20, 60 * 60),
  };
}

/**
 * A fixed one-second window counted in a small object shared by one user's
 * sockets on this node (server/signaling/user-budget.ts): one comparison per
 * event, before the payload is validated.
 *
 * Verdicts, per event: "ok" (within the budget); "over" (answer rate_limited,
 * nothing else); "hold" (answer rate_limited and stop reading the sending
 * socket until the second ends: past twice the budget, the kernel's buffers
 * push back on the sender instead of the node reading, unmasking and decoding
 * all it sends, docs/performance.md B7); "abuse" (disconnect the sender).
 * Abuse is counted in events the node read, not in seconds: more than
 * `disconnectAt` events over the budget without a second back under it. A
 * held-back sender with a long queue of acked events is answered at the
 * budget's pace and not cut off for being slow to drain; a flood that keeps
 * pushing is.
 */
export class MessageLimit {
  constructor(
    readonly perSecond: number,
    /** Events over the budget, seconds over it in a row together, past which the sender is disconnected. */
    readonly disconnectAt = perSecond * 50,
    /** Events in one second past which the sender's reads are held back until the second ends. */
    readonly holdAt = perSecond * 2,
  ) {}

  take(counter: MessageCounter, now = Date.now()): "ok" | "over" | "hold" | "abuse" {
    const elapsed = now - counter.windowStart;
    if (elapsed >= 1000) {
      const wasOver = counter.count > Math.min(this.perSecond, counter.allowance);
      // A second back under the budget (or a gap of more than a second) clears what was over.
      if (!wasOver || elapsed >= 2000) counter.excess = 0;
      counter.windowStart = now;
      counter.count = 0;
    }
    counter.total++;
    const n = ++counter.count;
    if (n <= Math.min(this.perSecond, counter.allowance)) return "ok";
    if (++counter.excess > this.disconnectAt) return "abuse";
    return n > this.holdAt ? "hold" : "over";
  }

  /** Whether the user is over the budget now (a socket they open now starts slowed down). */
  isOver(counter: MessageCounter, now = Date.now()): boolean {
    return counter.excess > 0 && now - counter.windowStart < 2000;
  }

  /** Milliseconds until the counter's second ends (how long a held-back socket waits). */
  untilNextSecond(counter: MessageCounter, now = Date.now()): number {
    return Math.max(1, counter.windowStart + 1000 - now);
  }
}
/**
 * `allowance`: this node's share of the user's budget for now (perSecond on
 * one node; lowered by what their sockets on other nodes sent). `total`: every
 * event ever counted (the cluster sync sends the difference). `excess`: events
 * over the budget since the user was last a whole second under it.
 */
export type MessageCounter = { windowStart: number; count: number; allowance: number; total: number; excess: number };

/** Consume one point or throw a `rate_limited` DialtoneError. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      // Labelled by the limiter's own name (sign-up, contact requests, …).
      getMetrics().rateLimited.inc({ limit: limiter.keyPrefix.replace(/^dialtone:rl:/, "").replace(/-/g, "_") });
      throw new DialtoneError("rate_limited");
    }
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
