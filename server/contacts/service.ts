// Contacts: requests, acceptance, removal and blocking. One row per pair.
import { pairKey } from "../authz";
import type { Db } from "../db/client";
import { DialtoneError } from "../protocol/errors";
import { addContactSchema, contactActionSchema } from "../auth/schemas";
import { contactsChanged } from "../realtime";

export type ContactPerson = { id: string; name: string; email: string };
export type ContactList = {
  contacts: ContactPerson[];
  incoming: ContactPerson[];
  outgoing: ContactPerson[];
  blocked: ContactPerson[];
};

const person = { select: { id: true, name: true, email: true } } as const;

export async function listContacts(db: Db, userId: string): Promise<ContactList> {
  const rows = await db.contact.findMany({
    where: { OR: [{ requesterId: userId }, { addresseeId: userId }] },
    include: { requester: person, addressee: person },
    orderBy: { createdAt: "asc" },
  });
  const out: ContactList = { contacts: [], incoming: [], outgoing: [], blocked: [] };
  for (const r of rows) {
    const mine = r.requesterId === userId;
    const other = mine ? r.addressee : r.requester;
    if (r.status === "accepted") out.contacts.push(other);
    else if (mine) out.outgoing.push(other);
    else out.incoming.push(other);
  }
  out.contacts.sort((a, b) => a.name.localeCompare(b.name));
  const blocks = await db.block.findMany({ where: { blockerId: userId }, include: { blocked: person } });
  out.blocked = blocks.map((b) => b.blocked);
  return out;
}

/** Ask `email` to be a contact. Returns the user ids whose lists changed. */
export async function requestContact(db: Db, userId: string, input: unknown): Promise<string[]> {
  const { email } = addContactSchema.parse(input);
  const target = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!target) throw new DialtoneError("contact_invalid", "No Dialtone account uses that email.");
  if (target.id === userId) throw new DialtoneError("contact_invalid", "You cannot add yourself.");
  const iBlocked = await db.block.findUnique({ where: { blockerId_blockedId: { blockerId: userId, blockedId: target.id } } });
  if (iBlocked) throw new DialtoneError("contact_invalid", "You blocked this person. Unblock them first.");
  const theyBlocked = await db.block.findUnique({ where: { blockerId_blockedId: { blockerId: target.id, blockedId: userId } } });
  // A blocked requester is not told: the request just never arrives.
  if (theyBlocked) return [userId];
  const key = pairKey(userId, target.id);
  const existing = await db.contact.findUnique({ where: { pairKey: key } });
  if (existing?.status === "accepted") throw new DialtoneError("contact_invalid", "You are already contacts.");
  if (existing && existing.requesterId === userId) throw new DialtoneError("contact_invalid", "Request already sent.");
  if (existing) {
    // They had asked us already: asking back accepts.
    await db.contact.update({ where: { id: existing.id }, data: { status: "accepted", respondedAt: new Date() } });
    contactsChanged([userId, target.id]);
    return [userId, target.id];
  }
  try {
    await db.contact.create({ data: { pairKey: key, requesterId: userId, addresseeId: target.id, status: "pending" } });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new DialtoneError("contact_invalid", "Request already sent.");
    throw err;
  }
  return [userId, target.id];
}

/** accept / decline / remove / block `otherId`. Returns the user ids whose lists changed. */
export async function actOnContact(db: Db, userId: string, otherId: string, input: unknown): Promise<string[]> {
  const changed = await applyContactAction(db, userId, otherId, input);
  // Who may ring whom changed: the signaling's directory forgets both users.
  contactsChanged(changed);
  return changed;
}

async function applyContactAction(db: Db, userId: string, otherId: string, input: unknown): Promise<string[]> {
  const { action } = contactActionSchema.parse(input);
  if (otherId === userId || otherId.length > 64) throw new DialtoneError("contact_invalid");
  const key = pairKey(userId, otherId);
  const row = await db.contact.findUnique({ where: { pairKey: key } });
  switch (action) {
    case "accept": {
      const res = await db.contact.updateMany({
        where: { pairKey: key, addresseeId: userId, status: "pending" },
        data: { status: "accepted", respondedAt: new Date() },
      });
      if (res.count !== 1) throw new DialtoneError("contact_invalid", "There is no request to accept.");
      return [userId, otherId];
    }
    case "decline": {
      const res = await db.contact.deleteMany({ where: { pairKey: key, addresseeId: userId, status: "pending" } });
      if (res.count !== 1) throw new DialtoneError("contact_invalid", "There is no request to decline.");
      return [userId, otherId];
    }
    case "remove": {
      if (!row) throw new DialtoneError("contact_invalid", "Not in your contacts.");
      await db.contact.deleteMany({ where: { pairKey: key } });
      return [userId, otherId];
    }
    case "block": {
      // A deleted account (server/account/service.ts) has nobody left to block.
      const other = await db.user.findFirst({ where: { id: otherId, deletedAt: null }, select: { id: true } });
      if (!other) throw new DialtoneError("contact_invalid");
      await db.contact.deleteMany({ where: { pairKey: key } });
      await db.block.upsert({
        where: { blockerId_blockedId: { blockerId: userId, blockedId: otherId } },
        create: { blockerId: userId, blockedId: otherId },
        update: {},
      });
      return [userId, otherId];
    }
  }
}

export async function unblock(db: Db, userId: string, otherId: string): Promise<void> {
  await db.block.deleteMany({ where: { blockerId: userId, blockedId: otherId } });
  contactsChanged([userId, otherId]);
}
