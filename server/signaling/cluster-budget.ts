// The per-user event budget across nodes (REDIS_URL). Each node counts its own
// sockets' events with no I/O on the event path (server/signaling/user-budget.ts);
// once a second it adds what each of its users sent to a per-user, per-second
// hash in Redis (one field per node) and reads the previous second's hash: what
// the user's sockets on the other nodes sent is taken off this node's allowance
// for the next second. One MULTI per node per second, users who are quiet
// everywhere skipped. The budget can be exceeded by about a second's worth
// across nodes before it bites; each node's own limit holds meanwhile.
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../redis";
import type { MessageCounter } from "../rate-limits";
import type { UserBudgets } from "./user-budget";

export function syncBudgetsAcrossNodes(
  budgets: UserBudgets,
  redis: RedisClient,
  o: { perSecond: number; prefix?: string; everyMs?: number; nodeId?: string },
): () => void {
  const prefix = o.prefix ?? "dialtone:budget:";
  const node = o.nodeId ?? randomBytes(6).toString("hex");
  const synced = new WeakMap<MessageCounter, number>();
  let running = false;

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      const second = Math.floor(Date.now() / 1000);
      const multi = redis.multi();
      const reads: MessageCounter[] = [];
      const readAt: number[] = [];
      let n = 0;
      for (const [userId, { counter }] of budgets.counters()) {
        const delta = counter.total - (synced.get(counter) ?? 0);
        if (delta === 0 && counter.allowance >= o.perSecond) continue;
        synced.set(counter, counter.total);
        const key = `${prefix}${userId}:`;
        if (delta > 0) {
          multi.hIncrBy(key + second, node, delta).expire(key + second, 5);
          n += 2;
        }
        multi.hGetAll(key + (second - 1));
        reads.push(counter);
        readAt.push(n++);
      }
      if (reads.length === 0) return;
      const replies = (await multi.exec()) as unknown[];
      reads.forEach((counter, i) => {
        const hash = (replies[readAt[i]!] ?? {}) as Record<string, string>;
        let others = 0;
        for (const [field, value] of Object.entries(hash)) if (field !== node) others += Number(value) || 0;
        counter.allowance = Math.max(0, o.perSecond - others);
      });
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void run().catch((err: unknown) => console.error("[signaling] budget sync failed", err)), o.everyMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}
