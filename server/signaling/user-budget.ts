// One message counter per user on this node, shared by all their sockets, so
// the event budget is per user however many sockets they open. The socket
// keeps a reference (socket.data.messages): counting an event is one
// comparison, no lookup. The entry goes when the user's last socket leaves.
import type { MessageCounter } from "../rate-limits";

type Entry = { counter: MessageCounter; sockets: number };

export class UserBudgets {
  private readonly byUser = new Map<string, Entry>();

  constructor(private readonly perSecond: number) {}

  /** The user's counter, for a socket that joins. */
  attach(userId: string): MessageCounter {
    let entry = this.byUser.get(userId);
    if (!entry) {
      entry = { counter: { windowStart: 0, count: 0, allowance: this.perSecond, total: 0, excess: 0 }, sockets: 0 };
      this.byUser.set(userId, entry);
    }
    entry.sockets++;
    return entry.counter;
  }

  /** A socket of this user left. */
  detach(userId: string): void {
    const entry = this.byUser.get(userId);
    if (entry && --entry.sockets <= 0) this.byUser.delete(userId);
  }

  /** Every user with a socket here and their counter. */
  counters(): IterableIterator<[string, { counter: MessageCounter }]> {
    return this.byUser.entries();
  }
}
