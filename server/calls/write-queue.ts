// Each call's database writes, in order, behind the store's decisions
// (server/calls/store.ts): both stores queue them here.
import { performance } from "node:perf_hooks";
import { getMetrics } from "../observability/metrics";
import { getLog } from "../observability/log";

/** What a store answers for a write it did not queue (the decision was lost). */
export const done = Promise.resolve();

/**
 * Each call's database writes, in order, behind the decisions: the first of a
 * burst waits for setImmediate (the sockets are told first, in this tick, the
 * query runs after). `drained` is called when a call has no write left.
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly onError: (callId: string, err: unknown) => void,
    private readonly drained: (callId: string) => void = () => undefined,
  ) {}

  push(id: string, op: () => Promise<unknown>): Promise<void> {
    const queued = performance.now();
    const start = this.tails.get(id) ?? new Promise<void>((resolve) => setImmediate(resolve));
    const mine = start.then(op).then(
      () => void getMetrics().dbWrites.observe((performance.now() - queued) / 1000),
      (err: unknown) => {
        this.onError(id, err);
        throw err;
      },
    );
    const tail = mine.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) !== tail) return;
      this.tails.delete(id);
      this.drained(id);
    });
    return mine;
  }

  /**
   * Resolves when every write queued so far has settled. Writes queued
   * meanwhile (a write's follow-up) are waited for too.
   */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}

export const logWriteError = (id: string, err: unknown) => getLog().error({ event: "calls.write_failed", callId: id, err }, "writing a call row failed");
