// At most `max` handshakes are authenticated at once; the others wait their
// turn, first come first served. Without it, a reconnect storm (a node died
// and its 10,000 users arrive at another within a second) runs every
// handshake's steps in lockstep: each step is done for all of them before the
// next step of any, so none completes until nearly all do, and clients whose
// connection timed out meanwhile retry and add to the queue. With the gate,
// handshakes complete at the node's rate from the first second on.
export class HandshakeGate {
  private active = 0;
  private queue: (() => void)[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  /** Resolves when this handshake may go on; call leave() once it is done. */
  enter(): Promise<void> | undefined {
    if (this.active < this.max) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  leave(): void {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      next();
    } else this.active--;
  }

  /** Handshakes waiting their turn (metrics, tests). */
  get waiting(): number {
    return this.queue.length - this.head;
  }
}
