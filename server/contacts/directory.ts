// Who may ring whom, and the names a ring carries: asked on the path of every
// invite and every presence change, so it is answered from memory. A user's
// entry (their name, their accepted contacts minus anyone blocked either way)
// is read from the database once and kept until a write to Contact or Block
// touches that user: every such write goes through server/contacts/service.ts,
// which calls contactsChanged() (server/realtime.ts), and the signaling drops
// those entries on this node and, over the Redis adapter, on every other node.
// Entries also expire after `ttlMs`, a safety net for writes made outside the
// app (an operator's SQL). Users who connect together are read together (one
// set of queries per presence batch), and an entry is a few short strings:
// every connected user has one.
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";
import { sqliteReaderOf } from "../db/sqlite-reader";

/** Users read in one set of queries, at most (their ids are bound three times). */
const MAX_BATCH = 500;

export type DirectoryEntry = {
  name: string;
  /** " id1 id2 … ": accepted contacts that neither blocked nor were blocked by this user (ids never contain spaces). */
  ids: string;
  /** Their names, same order, as a JSON array (read only when a ring needs one). */
  names: string;
  loadedAt: number;
};

export class ContactDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();
  /** Loads in flight, by user: each resolves to the entries it read. */
  private readonly loading = new Map<string, Promise<Map<string, DirectoryEntry>>>();
  /** Misses gathered in the current window, read together at its end (enqueue). */
  private batch: { ids: Set<string>; load: Promise<Map<string, DirectoryEntry>> } | undefined;
  /** Bumped by every invalidation: a load that overlapped one is not kept. */
  private epoch = 0;

  constructor(
    private readonly db: Db,
    private readonly o: { ttlMs?: number; maxEntries?: number } = {},
  ) {}

  /** The user's entry, or null when there is no such user. */
  async entry(userId: string): Promise<DirectoryEntry | null> {
    return this.fresh(userId) ?? (await this.preload([userId])).get(userId) ?? null;
  }

  /** The user's entry if it is in memory and fresh (no wait), else undefined. */
  cached(userId: string): DirectoryEntry | undefined {
    return this.fresh(userId);
  }

  /** The entries of these users; those not cached are read in one set of queries. */
  async preload(userIds: string[]): Promise<Map<string, DirectoryEntry>> {
    const out = new Map<string, DirectoryEntry>();
    const pending: [string, Promise<Map<string, DirectoryEntry>>][] = [];
    const missing: string[] = [];
    for (const id of new Set(userIds)) {
      const hit = this.fresh(id);
      if (hit) out.set(id, hit);
      else {
        const inFlight = this.loading.get(id);
        if (inFlight) pending.push([id, inFlight]);
        else missing.push(id);
      }
    }
    if (missing.length > 0) {
      const load = this.enqueue(missing).finally(() => {
        for (const id of missing) if (this.loading.get(id) === load) this.loading.delete(id);
      });
      for (const id of missing) {
        this.loading.set(id, load);
        pending.push([id, load]);
      }
    }
    for (const [id, load] of pending) {
      const entry = (await load).get(id);
      if (entry) out.set(id, entry);
    }
    return out;
  }

  async contactIds(userId: string): Promise<string[]> {
    const entry = await this.entry(userId);
    return entry ? idsOf(entry) : [];
  }

  /**
   * Misses asked for in the same turn of the event loop are read together
   * (setImmediate: no added wait; a 5 ms window made every first lookup wait
   * 5 ms, and B1's setup p50 at 10,000 users went 17.9 → ~8 ms without it): a reconnect
   * storm's handshakes and presence:list requests (each asking for one user)
   * are one set of queries, not three per handshake (each a statement of its
   * own length, prepared afresh). Read in chunks of MAX_BATCH.
   */
  private enqueue(userIds: string[]): Promise<Map<string, DirectoryEntry>> {
    if (!this.batch) {
      const ids = new Set<string>();
      const load = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        this.batch = undefined;
        const all = [...ids];
        const out = new Map<string, DirectoryEntry>();
        for (let i = 0; i < all.length; i += MAX_BATCH) for (const [id, e] of await this.load(all.slice(i, i + MAX_BATCH))) out.set(id, e);
        return out;
      });
      this.batch = { ids, load };
    }
    for (const id of userIds) this.batch.ids.add(id);
    return this.batch.load;
  }

  /** Forget these users' entries (their contacts or blocks changed). */
  invalidate(userIds: string[]): void {
    this.epoch++;
    for (const id of userIds) this.entries.delete(id);
  }

  private fresh(userId: string): DirectoryEntry | undefined {
    const hit = this.entries.get(userId);
    return hit && Date.now() - hit.loadedAt < (this.o.ttlMs ?? 5 * 60_000) ? hit : undefined;
  }

  private async load(userIds: string[]): Promise<Map<string, DirectoryEntry>> {
    // A contact or block changed while reading: read again, so nobody is
    // answered from a state older than the change (three tries, then the last).
    for (let attempt = 1; ; attempt++) {
      const epoch = this.epoch;
      const out = await this.read(userIds);
      if (epoch === this.epoch) {
        for (const [id, entry] of out) this.keep(id, entry);
        return out;
      }
      if (attempt === 3) return out;
    }
  }

  private keep(userId: string, entry: DirectoryEntry): void {
    // Bounded: the oldest entry goes first (Map keeps insertion order).
    if (this.entries.size >= (this.o.maxEntries ?? 100_000)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(userId, entry);
  }

  private async read(userIds: string[]): Promise<Map<string, DirectoryEntry>> {
    const out = new Map<string, DirectoryEntry>();
    const { users, rows, blocks } = await readRows(this.db, userIds);
    if (users.length === 0) return out;
    const ids = users.map((u) => u.id);
    const blocked = new Set(blocks.map((b) => `${b.blockerId} ${b.blockedId}`));
    const isBlocked = (a: string, b: string) => blocked.has(`${a} ${b}`) || blocked.has(`${b} ${a}`);
    const contacts = new Map<string, { id: string; name: string }[]>(ids.map((id) => [id, []]));
    for (const r of rows) {
      if (isBlocked(r.requester.id, r.addressee.id)) continue;
      contacts.get(r.requester.id)?.push(r.addressee);
      contacts.get(r.addressee.id)?.push(r.requester);
    }
    const now = Date.now();
    for (const u of users) {
      const list = contacts.get(u.id) ?? [];
      const entry: DirectoryEntry = {
        name: u.name,
        ids: ` ${list.map((c) => c.id).join(" ")} `,
        names: JSON.stringify(list.map((c) => c.name)),
        loadedAt: now,
      };
      out.set(u.id, entry);
    }
    return out;
  }
}

type Person = { id: string; name: string };
type Rows = { users: Person[]; rows: { requester: Person; addressee: Person }[]; blocks: { blockerId: string; blockedId: string }[] };

/**
 * These users, their accepted contacts (both people of each row) and the
 * blocks either way. On SQLite, on the shared client's own reader
 * (server/db/sqlite-reader.ts): the ids go in as one JSON array, so each
 * statement has one text whatever the batch's size and is prepared once;
 * through Prisma each batch size was a statement of its own, prepared afresh,
 * and the reads were ~a quarter of a 10,000-user connect burst's CPU (B1
 * connect profile, docs/performance.md 2026-12-07 late). A transaction client
 * and PostgreSQL take Prisma's path. Same rows either way.
 */
async function readRows(db: Db, userIds: string[]): Promise<Rows> {
  const sqlite = sqliteReaderOf(db);
  if (sqlite) {
    const asked = JSON.stringify(userIds);
    const users = sqlite
      .rows<[string, string]>(Prisma.sql`SELECT "id", "name" FROM "User" WHERE "id" IN (SELECT value FROM json_each(${asked}))`)
      .map(([id, name]) => ({ id, name }));
    if (users.length === 0) return { users, rows: [], blocks: [] };
    const ids = JSON.stringify(users.map((u) => u.id));
    const rows = sqlite
      .rows<[string, string, string, string]>(
        Prisma.sql`SELECT r."id", r."name", a."id", a."name" FROM "Contact" c
          JOIN "User" r ON r."id" = c."requesterId" JOIN "User" a ON a."id" = c."addresseeId"
          WHERE c."status" = 'accepted' AND (c."requesterId" IN (SELECT value FROM json_each(${ids})) OR c."addresseeId" IN (SELECT value FROM json_each(${ids})))`,
      )
      .map(([rId, rName, aId, aName]) => ({ requester: { id: rId, name: rName }, addressee: { id: aId, name: aName } }));
    const blocks = sqlite
      .rows<[string, string]>(
        Prisma.sql`SELECT "blockerId", "blockedId" FROM "Block"
          WHERE "blockerId" IN (SELECT value FROM json_each(${ids})) OR "blockedId" IN (SELECT value FROM json_each(${ids}))`,
      )
      .map(([blockerId, blockedId]) => ({ blockerId, blockedId }));
    return { users, rows, blocks };
  }
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } });
  if (users.length === 0) return { users, rows: [], blocks: [] };
  const ids = users.map((u) => u.id);
  const person = { select: { id: true, name: true } } as const;
  const rows = await db.contact.findMany({
    where: { status: "accepted", OR: [{ requesterId: { in: ids } }, { addresseeId: { in: ids } }] },
    select: { requester: person, addressee: person },
  });
  const blocks = await db.block.findMany({
    where: { OR: [{ blockerId: { in: ids } }, { blockedId: { in: ids } }] },
    select: { blockerId: true, blockedId: true },
  });
  return { users, rows, blocks };
}

function idsOf(entry: DirectoryEntry): string[] {
  const trimmed = entry.ids.trim();
  return trimmed === "" ? [] : trimmed.split(" ");
}

/**
 * The name of `contactId` in `entry`, if the entry's user may ring them
 * (accepted contacts, neither blocked the other): the one ringing permission,
 * asked by the call service on every invite.
 */
export function contactName(entry: DirectoryEntry, contactId: string): string | undefined {
  if (!entry.ids.includes(` ${contactId} `)) return undefined;
  const i = idsOf(entry).indexOf(contactId);
  return (JSON.parse(entry.names) as string[])[i];
}
