// Who may ring whom, and the names a ring carries: asked on the path of every
// invite and every presence change, so it is answered from memory. A user's
// entry (their name, their accepted contacts minus anyone blocked either way)
// is read from the database once and kept until a write to Contact or Block
// touches that user: every such write goes through server/contacts/service.ts,
// which calls contactsChanged() (server/realtime.ts), and the signaling drops
// those entries on this node and, over the Redis adapter, on every other node.
// Entries also expire after `ttlMs`, a safety net for writes made outside the
// app (an operator's SQL).
import type { Db } from "../db/client";

export type DirectoryEntry = {
  name: string;
  /** Accepted contacts that neither blocked nor were blocked by this user, and their names (same order). */
  contactIds: string[];
  contactNames: string[];
  loadedAt: number;
};

export class ContactDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();
  private readonly loading = new Map<string, Promise<DirectoryEntry | null>>();
  /** Bumped by every invalidation: a load that overlapped one is not kept. */
  private epoch = 0;

  constructor(
    private readonly db: Db,
    private readonly o: { ttlMs?: number; maxEntries?: number } = {},
  ) {}

  /** The user's entry, or null when there is no such user. */
  async entry(userId: string): Promise<DirectoryEntry | null> {
    const hit = this.entries.get(userId);
    if (hit && Date.now() - hit.loadedAt < (this.o.ttlMs ?? 5 * 60_000)) return hit;
    let pending = this.loading.get(userId);
    if (!pending) {
      pending = this.load(userId).finally(() => this.loading.delete(userId));
      this.loading.set(userId, pending);
    }
    return pending;
  }

  /** Accepted contacts, and neither blocked the other. */
  async canRing(callerId: string, calleeId: string): Promise<boolean> {
    if (callerId === calleeId) return false;
    return (await this.entry(callerId))?.contactIds.includes(calleeId) ?? false;
  }

  async contactIds(userId: string): Promise<string[]> {
    return (await this.entry(userId))?.contactIds ?? [];
  }

  /** Forget these users' entries (their contacts or blocks changed). */
  invalidate(userIds: string[]): void {
    this.epoch++;
    for (const id of userIds) this.entries.delete(id);
  }

  private async load(userId: string): Promise<DirectoryEntry | null> {
    const epoch = this.epoch;
    const { db } = this;
    const user = await db.user.findUnique({ where: { id: userId }, select: { name: true } });
    if (!user) return null;
    const person = { select: { id: true, name: true } } as const;
    const rows = await db.contact.findMany({
      where: { status: "accepted", OR: [{ requesterId: userId }, { addresseeId: userId }] },
      select: { requester: person, addressee: person },
    });
    const blocks = await db.block.findMany({
      where: { OR: [{ blockerId: userId }, { blockedId: userId }] },
      select: { blockerId: true, blockedId: true },
    });
    const blocked = new Set(blocks.map((b) => (b.blockerId === userId ? b.blockedId : b.blockerId)));
    const entry: DirectoryEntry = { name: user.name, contactIds: [], contactNames: [], loadedAt: Date.now() };
    for (const r of rows) {
      const other = r.requester.id === userId ? r.addressee : r.requester;
      if (blocked.has(other.id)) continue;
      entry.contactIds.push(other.id);
      entry.contactNames.push(other.name);
    }
    if (epoch === this.epoch) {
      // Bounded: the oldest entry goes first (Map keeps insertion order).
      if (this.entries.size >= (this.o.maxEntries ?? 100_000)) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(userId, entry);
    }
    return entry;
  }
}

/** The name of `contactId` in `entry`, if they are ringable contacts. */
export function contactName(entry: DirectoryEntry, contactId: string): string | undefined {
  const i = entry.contactIds.indexOf(contactId);
  return i >= 0 ? entry.contactNames[i] : undefined;
}
