// Per-user mutual exclusion for the call lifecycle. An invite or an accept
// reads who is busy and then writes; two of them for the same user must not
// interleave, or that user could end up in two calls. One node: promise
// chains per key. Several nodes: a Redis lock per key (set with a time to
// live, deleted only by its holder), all keys of one operation taken at once.
import { randomUUID } from "node:crypto";
import type { RedisClient } from "./redis";

export interface KeyedLocks {
  withLocks<T>(keys: string[], task: () => Promise<T>): Promise<T>;
}

export class MemoryLocks implements KeyedLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withLocks<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const previous = sorted.map((k) => this.tails.get(k) ?? Promise.resolve());
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const k of sorted) this.tails.set(k, mine);
    await Promise.all(previous.map((p) => p.catch(() => undefined)));
    try {
      return await task();
    } finally {
      release();
      for (const k of sorted) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }
}

// All of an operation's keys are taken, or none, in one round trip; and
// released in one. (One Redis server: the keys need not share a hash slot.)
const ACQUIRE = `for _, key in ipairs(KEYS) do
  if redis.call("exists", key) == 1 then return 0 end
end
for _, key in ipairs(KEYS) do redis.call("set", key, ARGV[1], "PX", ARGV[2]) end
return 1`;
const RELEASE = `for _, key in ipairs(KEYS) do
  if redis.call("get", key) == ARGV[1] then redis.call("del", key) end
end
return 1`;

export class RedisLocks implements KeyedLocks {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = 5_000,
    private readonly waitMs = 5_000,
  ) {}

  async withLocks<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const redisKeys = [...new Set(keys)].sort().map((k) => `dialtone:lock:${k}`);
    const token = randomUUID();
    await this.acquire(redisKeys, token);
    try {
      return await task();
    } finally {
      await this.redis.eval(RELEASE, { keys: redisKeys, arguments: [token] }).catch(() => undefined);
    }
  }

  private async acquire(keys: string[], token: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const ok = await this.redis.eval(ACQUIRE, { keys, arguments: [token, String(this.ttlMs)] });
      if (ok === 1) return;
      if (Date.now() > deadline) throw new Error(`locks ${keys.join(", ")} not acquired within ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
