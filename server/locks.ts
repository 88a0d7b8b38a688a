// Per-user mutual exclusion for the call lifecycle. An invite or an accept
// reads who is busy and then writes; two of them for the same user must not
// interleave, or that user could end up in two calls. One node: promise
// chains per key. Several nodes: a Redis lock per key (SET NX PX + compare-
// and-delete), taken in sorted order so two operations cannot deadlock.
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

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisLocks implements KeyedLocks {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = 5_000,
    private readonly waitMs = 5_000,
  ) {}

  async withLocks<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const token = randomUUID();
    const held: string[] = [];
    try {
      for (const k of sorted) {
        await this.acquire(`dialtone:lock:${k}`, token);
        held.push(`dialtone:lock:${k}`);
      }
      return await task();
    } finally {
      for (const key of held.reverse()) await this.redis.eval(RELEASE, { keys: [key], arguments: [token] }).catch(() => undefined);
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const ok = await this.redis.set(key, token, { NX: true, PX: this.ttlMs });
      if (ok === "OK") return;
      if (Date.now() > deadline) throw new Error(`lock ${key} not acquired within ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
