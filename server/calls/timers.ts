// The call service's timers on this node: a ring's timeout and a
// participant's grace period after their socket went away, plus the periodic
// sweep. They are only a fast path: every node's sweep closes whatever a
// timer missed (e.g. the node that held it stopped).
export class CallTimers {
  private readonly rings = new Map<string, NodeJS.Timeout>();
  private readonly graces = new Map<string, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | undefined;

  /** Runs `onTimeout` once after `ms`, unless cleared first. */
  ring(callId: string, ms: number, onTimeout: () => void): void {
    const t = setTimeout(onTimeout, ms);
    t.unref();
    this.rings.set(callId, t);
  }

  clearRing(callId: string): void {
    const t = this.rings.get(callId);
    if (t) clearTimeout(t);
    this.rings.delete(callId);
  }

  hasGrace(callId: string, userId: string): boolean {
    return this.graces.has(graceKey(callId, userId));
  }

  /** Starts this participant's grace period, unless one runs already. */
  grace(callId: string, userId: string, ms: number, onExpiry: () => void): void {
    const key = graceKey(callId, userId);
    if (this.graces.has(key)) return;
    const t = setTimeout(() => {
      this.graces.delete(key);
      onExpiry();
    }, ms);
    t.unref();
    this.graces.set(key, t);
  }

  clearGrace(callId: string, userId: string): void {
    const key = graceKey(callId, userId);
    const t = this.graces.get(key);
    if (t) clearTimeout(t);
    this.graces.delete(key);
  }

  sweepEvery(ms: number, sweep: () => void): void {
    this.sweepTimer = setInterval(sweep, ms);
    this.sweepTimer.unref();
  }

  clearAll(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const t of this.rings.values()) clearTimeout(t);
    for (const t of this.graces.values()) clearTimeout(t);
    this.rings.clear();
    this.graces.clear();
  }
}

const graceKey = (callId: string, userId: string) => `${callId}:${userId}`;
