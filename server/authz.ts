// Authorisation questions, named once and asked the same way by socket
// handlers and HTTP routes.
import type { Db } from "./db/client";

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** Either user blocked the other. */
export async function isBlockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db.block.findFirst({
    where: { OR: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] },
    select: { blockerId: true },
  });
  return row !== null;
}

/** Mutually accepted contacts (the only people who see each other's presence). */
export async function areContacts(db: Db, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const row = await db.contact.findUnique({ where: { pairKey: pairKey(a, b) }, select: { status: true } });
  return row?.status === "accepted";
}

/** May `callerId` ring `calleeId`? Accepted contacts, and neither blocked the other. */
export async function canRing(db: Db, callerId: string, calleeId: string): Promise<boolean> {
  if (!(await areContacts(db, callerId, calleeId))) return false;
  return !(await isBlockedEitherWay(db, callerId, calleeId));
}
