// Server-known sessions. next-auth keeps its JWT strategy (the cookie is an
// encrypted token), and every token carries a session id (`sid`) naming a row
// of the Session table, created at sign-in (server/auth/options.ts). A token
// counts only while its row exists, belongs to the token's user and that user
// is not deleted: every HTTP route (server/http/respond.ts#requireSession),
// every page (app/(app)/layout.tsx), next-auth's own session endpoint and
// every signaling handshake (server/signaling/handshake.ts) ask `checkSession`.
// Deleting the row is revoking the session; server/realtime.ts#sessionsEnded
// then drops it from every node's cache and disconnects its sockets.
//
// The check is cached, so the hot paths stay cheap: a hit is a Map lookup; a
// miss is one indexed read, batched with the other misses of the same tick
// (a burst of reconnects after a restart is one query). Entries live 60 s; a
// revocation removes them at once on every node (and remembers the id for a
// while, so a read that was already in flight cannot bring it back).
// bench/session-check.ts measures both paths.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";
import { pgReaderOf } from "../db/pg-reader";
import { sqliteDate, sqliteReaderOf } from "../db/sqlite-reader";

/** A session counts this long after it was last seen (the JWT's own lifetime, server/auth/options.ts). */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;
/** lastSeenAt is written when a check finds it older than this (at most one write per session per 5 min per node). */
const TOUCH_AFTER_MS = 5 * 60_000;
/** How long a checked session is believed without asking the database again. */
const CACHE_TTL_MS = 60_000;
/** How long a revoked id is remembered (longer than any read in flight). */
const REVOKED_TTL_MS = 5 * 60_000;
const MAX_CACHED = 200_000;
const MAX_BATCH = 500;

export type LiveSession = { userId: string; name: string };

/** What a check needs to know about the request (for lastSeenAt). */
export type SeenFrom = { ip?: string };

type Found = { id: string; userId: string; lastSeenAt: Date; name: string; deletedAt: Date | null } | null;

/** 128 random bits, URL-safe: the `sid` claim and the Session row's id. */
export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

/** A Session row for a browser that has just signed in; returns its id. */
export async function createSession(db: Db, userId: string, from: { userAgent?: string | null; ip?: string | null }): Promise<string> {
  const id = newSessionId();
  await db.session.create({ data: { id, userId, userAgent: (from.userAgent ?? "").slice(0, 512), ip: (from.ip ?? "").slice(0, 64) } });
  return id;
}

/**
 * Deletes this user's sessions (`only` these ids, or all `except` one; neither:
 * all of them) and returns the ids that were deleted. The caller then tells
 * every node (server/realtime.ts#sessionsEnded).
 */
export async function deleteSessions(db: Db, userId: string, which: { only?: string[]; except?: string } = {}): Promise<string[]> {
  const where = {
    userId,
    ...(which.only ? { id: { in: which.only } } : which.except ? { id: { not: which.except } } : {}),
  };
  const rows = await db.session.findMany({ where, select: { id: true } });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await db.session.deleteMany({ where: { userId, id: { in: ids } } });
  return ids;
}

/**
 * The process-wide session check and its cache (one per process: the custom
 * server's handshake and Next's route code load this module separately, so it
 * lives in a globalThis slot, as the database client does).
 */
export class SessionChecker {
  private readonly cache = new Map<string, LiveSession & { until: number }>();
  private readonly revoked = new Map<string, number>();
  private readonly batches = new WeakMap<Db, (sid: string) => Promise<Found>>();
  /** Counts for the benchmark and the tests. */
  readonly stats = { hits: 0, misses: 0, queries: 0 };

  /**
   * The session `sid` of `userId`, if it still counts: its row exists, is that
   * user's, was seen within SESSION_MAX_AGE_S, and the user is not deleted.
   */
  async check(db: Db, userId: string, sid: string, from: SeenFrom = {}, now = Date.now()): Promise<LiveSession | null> {
    if (this.revoked.has(sid)) return null;
    const cached = this.cache.get(sid);
    if (cached && cached.until > now) {
      this.stats.hits++;
      return cached.userId === userId ? cached : null;
    }
    this.stats.misses++;
    const row = await this.batchFor(db)(sid);
    // Revoked while the read was in flight: the row it saw is gone.
    if (this.revoked.has(sid)) return null;
    if (!row || row.userId !== userId || row.deletedAt !== null) return null;
    const seen = row.lastSeenAt.getTime();
    if (seen < now - SESSION_MAX_AGE_S * 1000) return null;
    if (seen < now - TOUCH_AFTER_MS) {
      const data = from.ip ? { lastSeenAt: new Date(now), ip: from.ip.slice(0, 64) } : { lastSeenAt: new Date(now) };
      void db.session.updateMany({ where: { id: sid }, data }).catch(() => undefined);
    }
    const live = { userId, name: row.name, until: now + CACHE_TTL_MS };
    if (this.cache.size >= MAX_CACHED) this.prune(now);
    this.cache.set(sid, live);
    return live;
  }

  /** Whether `sid` was revoked lately (the handshake's last look before a socket joins). */
  isRevoked(sid: string): boolean {
    return this.revoked.has(sid);
  }

  /** These sessions are gone (deleted here or on another node): forget them now. */
  revoke(sids: Iterable<string>, now = Date.now()): void {
    for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
    for (const sid of sids) {
      this.cache.delete(sid);
      this.revoked.set(sid, now + REVOKED_TTL_MS);
    }
  }

  /** Something about this user changed (their name): their sessions are read again on next use. */
  forgetUser(userId: string): void {
    for (const [sid, s] of this.cache) if (s.userId === userId) this.cache.delete(sid);
  }

  /** Cached sessions (tests, benchmark). */
  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
    this.revoked.clear();
  }

  private prune(now: number): void {
    for (const [sid, s] of this.cache) if (s.until <= now) this.cache.delete(sid);
    // Still full: the oldest entries go (a Map iterates in insertion order).
    let over = this.cache.size - MAX_CACHED * 0.9;
    for (const sid of this.cache.keys()) {
      if (over-- <= 0) break;
      this.cache.delete(sid);
    }
  }

  /**
   * Sessions asked for in the same tick are read together: one query per
   * burst (a restart's reconnects, a benchmark's 10,000 users), not one per
   * handshake.
   */
  private batchFor(db: Db): (sid: string) => Promise<Found> {
    let batch = this.batches.get(db);
    if (batch) return batch;
    let pending = new Map<string, { resolve: (f: Found) => void; reject: (e: unknown) => void }[]>();
    let scheduled = false;
    const flush = async () => {
      scheduled = false;
      const waiting = pending;
      pending = new Map();
      const ids = [...waiting.keys()];
      for (let i = 0; i < ids.length; i += MAX_BATCH) {
        const chunk = ids.slice(i, i + MAX_BATCH);
        this.stats.queries++;
        try {
          const byId = new Map((await readSessions(db, chunk)).map((r) => [r.id, r]));
          for (const id of chunk) for (const w of waiting.get(id) ?? []) w.resolve(byId.get(id) ?? null);
        } catch (err) {
          for (const id of chunk) for (const w of waiting.get(id) ?? []) w.reject(err);
        }
      }
    };
    batch = (sid) =>
      new Promise<Found>((resolve, reject) => {
        let waiters = pending.get(sid);
        if (!waiters) pending.set(sid, (waiters = []));
        waiters.push({ resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    this.batches.set(db, batch);
    return batch;
  }
}

type SessionTuple<D> = [id: string, userId: string, lastSeenAt: D, name: string, deletedAt: D | null];

/**
 * These sessions with their user's name and deletion mark: one indexed read
 * (the Session primary key, then the User primary key), one statement text
 * whatever the number of ids, so it is prepared once per connection on the
 * shared client's own reader (server/db/sqlite-reader.ts, server/db/
 * pg-reader.ts: a third of Prisma's cost here, which reads the relation in a
 * second query); a transaction client takes Prisma's path.
 */
async function readSessions(db: Db, ids: string[]): Promise<NonNullable<Found>[]> {
  const sqlite = sqliteReaderOf(db);
  if (sqlite) {
    const rows = sqlite.rows<SessionTuple<string>>(Prisma.sql`SELECT s."id", s."userId", s."lastSeenAt", u."name", u."deletedAt"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."id" IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
    return rows.map(([id, userId, seen, name, deletedAt]) => ({ id, userId, lastSeenAt: sqliteDate(seen), name, deletedAt: deletedAt === null ? null : sqliteDate(deletedAt) }));
  }
  const postgres = pgReaderOf(db);
  if (postgres) {
    const rows = await postgres.rows<SessionTuple<Date>>(Prisma.sql`SELECT s."id", s."userId", s."lastSeenAt", u."name", u."deletedAt"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."id" = ANY(${ids}::text[])`);
    return rows.map(([id, userId, lastSeenAt, name, deletedAt]) => ({ id, userId, lastSeenAt, name, deletedAt }));
  }
  const rows = await db.session.findMany({
    where: { id: { in: ids } },
    select: { id: true, userId: true, lastSeenAt: true, user: { select: { name: true, deletedAt: true } } },
  });
  return rows.map((r) => ({ id: r.id, userId: r.userId, lastSeenAt: r.lastSeenAt, name: r.user.name, deletedAt: r.user.deletedAt }));
}

const slot = globalThis as typeof globalThis & { __dialtoneSessions?: SessionChecker };

/** The process's session checker (shared by the custom server and Next's route code). */
export function getSessionChecker(): SessionChecker {
  slot.__dialtoneSessions ??= new SessionChecker();
  return slot.__dialtoneSessions;
}

/** Whether a session id has the shape newSessionId makes (route parameters, tokens). */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{16,64}$/.test(value);
}
