// "Hide my IP address from the people I call": a per-user setting. The
// browser of a user who has it on gathers relay candidates only
// (iceTransportPolicy "relay", app/call/ice-policy.ts) so the other side sees
// the TURN server's address, never theirs. The server enforces it too
// (defence in depth): it refuses to relay a host, server-reflexive or
// peer-reflexive candidate — alone or inside an SDP — from such a user.
import type { Db } from "./db/client";
import { Prisma } from "./db/generated/sqlite/client";
import { pgReaderOf } from "./db/pg-reader";
import { sqliteReaderOf } from "./db/sqlite-reader";
import { DialtoneError } from "./protocol/errors";

/** The setting is only offered where TURN is configured: relay-only without a relay cannot connect. */
export function relayAvailable(env: { TURN_URLS: string[]; TURN_SECRET?: string | undefined }): boolean {
  return env.TURN_URLS.length > 0 && Boolean(env.TURN_SECRET);
}

/**
 * The user's setting. On the shared client's own reader when it has one
 * (server/db/sqlite-reader.ts, server/db/pg-reader.ts: a statement prepared
 * once, a fraction of Prisma's findUnique), else through Prisma.
 */
export async function hideIpOf(db: Db, userId: string): Promise<boolean> {
  const query = Prisma.sql`SELECT "hideIp" FROM "User" WHERE "id" = ${userId}`;
  const sqlite = sqliteReaderOf(db);
  if (sqlite) return Boolean(sqlite.rows<[number]>(query)[0]?.[0]);
  const postgres = pgReaderOf(db);
  if (postgres) return Boolean((await postgres.rows<[boolean]>(query))[0]?.[0]);
  const row = await db.user.findUnique({ where: { id: userId }, select: { hideIp: true } });
  return row?.hideIp ?? false;
}

export async function setHideIp(db: Db, userId: string, on: boolean): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { hideIp: on } });
}

/** A candidate line's type (`typ host|srflx|prflx|relay`), or null when it has none. */
export function candidateType(candidate: string): string | null {
  return /\styp\s+(\w+)/.exec(candidate)?.[1] ?? null;
}

/**
 * Every `a=candidate` line of an SDP is of type relay (an SDP without
 * candidates passes). Lines end at "\n" (a "\r" before it stays in the line,
 * where candidateType ignores it). Only the candidate lines are cut out: every
 * offer and answer is checked, and splitting a whole ~3 KB SDP into its ~60
 * lines was most of this check's cost.
 */
export function sdpRelayOnly(sdp: string): boolean {
  const MARK = "a=candidate:";
  let at = sdp.startsWith(MARK) ? 0 : lineStartOf(sdp, MARK, 0);
  while (at !== -1) {
    const end = sdp.indexOf("\n", at);
    if (candidateType(end === -1 ? sdp.slice(at) : sdp.slice(at, end)) !== "relay") return false;
    at = end === -1 ? -1 : lineStartOf(sdp, MARK, end);
  }
  return true;
}

/** Where the next line that starts with `prefix` starts, searching from `from`; -1 when none does. */
function lineStartOf(text: string, prefix: string, from: number): number {
  const i = text.indexOf(`\n${prefix}`, from);
  return i === -1 ? -1 : i + 1;
}

/**
 * The signaling server's check: does this user have the setting on? One
 * database read per user per TTL_MS (a change applies within that time to
 * calls already set up; the browser itself applies it at once). The read
 * itself is cached, not only its answer: a call's ten or so candidates arrive
 * together, and each used to start its own read before the first had answered
 * (~20 reads a ring in B1; docs/performance.md, 2026-12-07 late). A failed
 * read is not kept.
 */
export function relayOnlyCheck(db: Db, ttlMs = 5_000) {
  const cache = new Map<string, { on: Promise<boolean>; at: number }>();
  const isOn = (userId: string): Promise<boolean> => {
    const now = Date.now();
    const hit = cache.get(userId);
    if (hit && now - hit.at < ttlMs) return hit.on;
    if (cache.size >= 10_000) for (const [id, e] of cache) if (now - e.at >= ttlMs) cache.delete(id);
    if (cache.size >= 10_000) cache.clear();
    const on = hideIpOf(db, userId);
    const entry = { on, at: now };
    cache.set(userId, entry);
    on.catch(() => {
      if (cache.get(userId) === entry) cache.delete(userId);
    });
    return on;
  };
  return {
    /** Throws `relay_only` when `userId` hides their IP and `candidate` (a candidate line) is not a relay candidate. */
    async candidate(userId: string, candidate: string): Promise<void> {
      if (candidate && candidateType(candidate) !== "relay" && (await isOn(userId))) throw new DialtoneError("relay_only");
    },
    /** Throws `relay_only` when `userId` hides their IP and `sdp` carries a non-relay candidate. */
    async sdp(userId: string, sdp: string): Promise<void> {
      if (!sdpRelayOnly(sdp) && (await isOn(userId))) throw new DialtoneError("relay_only");
    },
  };
}
