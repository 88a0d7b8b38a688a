// The account page's operations: the user's signed-in sessions (list, sign one
// out, sign out everywhere else), a new display name, a new email, a new
// password, and deleting the account.
// Each announces what it ended through server/realtime.ts (as the contacts
// service does), so every node's session cache and sockets follow at once,
// whoever calls it (the routes in app/api/account/, the tests).
import type { Db } from "../db/client";
import { DialtoneError } from "../protocol/errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { changeEmailSchema, changeNameSchema, changePasswordSchema, deleteAccountSchema, sessionIdSchema } from "../auth/schemas";
import { deleteSessions, SESSION_MAX_AGE_S } from "../auth/sessions";
import { describeUserAgent } from "../auth/user-agent";
import { accountDeleted, contactsChanged, notifyContactsChanged, notifyRenamed, sessionsEnded, userRenamed } from "../realtime";

export type SessionView = {
  id: string;
  /** The session of the browser that asked. */
  current: boolean;
  browser: string | null;
  system: string | null;
  mobile: boolean;
  /** The client IP at sign-in or, later, at its last check that updated lastSeenAt. */
  ip: string;
  createdAt: string;
  lastSeenAt: string;
};

export type AccountOverview = {
  user: { id: string; name: string; email: string };
  sessions: SessionView[];
};

/** The user and their sessions, most recently seen first (this browser's first). */
export async function accountOverview(db: Db, userId: string, currentSessionId: string): Promise<AccountOverview> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true, deletedAt: true } });
  if (!user || user.deletedAt) throw new DialtoneError("unauthorized");
  const since = new Date(Date.now() - SESSION_MAX_AGE_S * 1000);
  const rows = await db.session.findMany({
    where: { userId, lastSeenAt: { gte: since } },
    orderBy: { lastSeenAt: "desc" },
    // A user has a handful; the cap keeps an odd account's page small.
    take: 100,
  });
  const sessions = rows.map((r) => ({
    id: r.id,
    current: r.id === currentSessionId,
    ...describeUserAgent(r.userAgent),
    ip: r.ip,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
  }));
  sessions.sort((a, b) => Number(b.current) - Number(a.current));
  return { user: { id: user.id, name: user.name, email: user.email }, sessions };
}

/**
 * Sign out one of the user's sessions (this browser's too). Another user's
 * session id, or one that is already gone, is `not_found`: nothing says which.
 */
export async function endSession(db: Db, userId: string, sessionId: unknown): Promise<string[]> {
  const id = sessionIdSchema.parse(sessionId);
  const ended = await deleteSessions(db, userId, { only: [id] });
  if (ended.length === 0) throw new DialtoneError("not_found", "No such session.");
  sessionsEnded(userId, ended);
  return ended;
}

/** "Sign out everywhere else": every session of the user but this one. */
export async function endOtherSessions(db: Db, userId: string, currentSessionId: string): Promise<string[]> {
  const ended = await deleteSessions(db, userId, { except: currentSessionId });
  sessionsEnded(userId, ended);
  return ended;
}

/** Checks the account's current password (argon2id); `wrong_password` otherwise. */
async function requirePassword(db: Db, userId: string, password: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, deletedAt: true } });
  if (!user || user.deletedAt) throw new DialtoneError("unauthorized");
  if (!(await verifyPassword(user.passwordHash, password))) throw new DialtoneError("wrong_password");
}

/**
 * A new password, given the current one. Every other session of the user is
 * signed out (whoever knew the old password and signed in with it is out);
 * this one stays. Returns the sessions that ended.
 */
export async function changePassword(db: Db, userId: string, currentSessionId: string, input: unknown): Promise<string[]> {
  const { currentPassword, newPassword } = changePasswordSchema.parse(input);
  await requirePassword(db, userId, currentPassword);
  const passwordHash = await hashPassword(newPassword);
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
  const ended = await deleteSessions(db, userId, { except: currentSessionId });
  sessionsEnded(userId, ended);
  return ended;
}

/**
 * Everyone whose lists show this user's name and email: both sides of every
 * contact row (accepted or pending) and whoever blocked them (their "Blocked"
 * list). Whom the user blocked sees nothing of them.
 */
async function peopleWhoSee(db: Db, userId: string): Promise<string[]> {
  const [contacts, blockers] = await Promise.all([
    db.contact.findMany({ where: { OR: [{ requesterId: userId }, { addresseeId: userId }] }, select: { requesterId: true, addresseeId: true } }),
    db.block.findMany({ where: { blockedId: userId }, select: { blockerId: true } }),
  ]);
  const ids = new Set<string>();
  for (const c of contacts) ids.add(c.requesterId === userId ? c.addresseeId : c.requesterId);
  for (const b of blockers) ids.add(b.blockerId);
  return [...ids];
}

/**
 * A new display name (the sign-up's rules; no password: it is not a
 * credential). Contacts see it at once: the signaling's contact directory
 * forgets this user and everyone who may ring them, on every node (rings carry
 * names from it), the session cache forgets the user's sessions on every node
 * (the header reads the name from it), the open tabs of everyone who lists
 * them refetch, and the user's own open tabs are told the new name
 * (`account:renamed`). History rows read the name from the user row. Returns the name.
 */
export async function changeName(db: Db, userId: string, input: unknown): Promise<string> {
  const { name } = changeNameSchema.parse(input);
  const res = await db.user.updateMany({ where: { id: userId, deletedAt: null }, data: { name } });
  if (res.count !== 1) throw new DialtoneError("unauthorized");
  const others = await peopleWhoSee(db, userId);
  userRenamed(userId);
  contactsChanged([userId, ...others]);
  notifyContactsChanged(others);
  notifyRenamed(userId, name);
  return name;
}

/**
 * A new email to sign in with, given the current password; normalised as at
 * sign-up (trimmed, lower-case). `email_taken` when another account has it
 * (nothing says more about that account); the same email again changes
 * nothing. Sessions stay signed in. The people who list this user see the new
 * email when their tabs refetch. Returns the email.
 */
export async function changeEmail(db: Db, userId: string, input: unknown): Promise<string> {
  const { email, currentPassword } = changeEmailSchema.parse(input);
  await requirePassword(db, userId, currentPassword);
  const holder = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (holder?.id === userId) return email;
  if (holder) throw new DialtoneError("email_taken");
  try {
    await db.user.update({ where: { id: userId }, data: { email } });
  } catch (err) {
    // Unique constraint: someone signed up or changed to it meanwhile.
    if ((err as { code?: string }).code === "P2002") throw new DialtoneError("email_taken");
    throw err;
  }
  notifyContactsChanged(await peopleWhoSee(db, userId));
  return email;
}

export type DeletedAccount = {
  /** Every session the account had (all end, this browser's included). */
  sessionIds: string[];
  /** The users whose contact lists or requests lost this account. */
  contactIds: string[];
};

/**
 * Deletes the account, given its password. Its contacts, requests, blocks and
 * sessions go. The User row stays as a tombstone with no name, email or
 * password, only so the other side's call history keeps its rows (shown as
 * "Deleted user", server/history/service.ts); its email is free again (the
 * placeholder `deleted:<id>` can never pass the email schema, so nobody can
 * sign in as it, request it as a contact, or sign up with it). Then its live
 * calls end (the other side is told), every session ends on every node, and
 * the people it knew refetch their lists.
 */
export async function deleteAccount(db: Db, userId: string, input: unknown): Promise<DeletedAccount> {
  const { password } = deleteAccountSchema.parse(input);
  await requirePassword(db, userId, password);
  const mine = { OR: [{ requesterId: userId }, { addresseeId: userId }] };
  const blocks = { OR: [{ blockerId: userId }, { blockedId: userId }] };
  const [contacts, blocked, sessions] = await Promise.all([
    db.contact.findMany({ where: mine, select: { requesterId: true, addresseeId: true } }),
    db.block.findMany({ where: blocks, select: { blockerId: true, blockedId: true } }),
    db.session.findMany({ where: { userId }, select: { id: true } }),
  ]);
  await db.$transaction([
    db.contact.deleteMany({ where: mine }),
    db.block.deleteMany({ where: blocks }),
    db.session.deleteMany({ where: { userId } }),
    // What this user measured in calls goes too; the other side keeps its own record.
    db.callQuality.deleteMany({ where: { userId } }),
    db.user.update({
      where: { id: userId },
      data: { name: "", email: `deleted:${userId}`, passwordHash: "", deletedAt: new Date() },
    }),
  ]);
  const others = new Set<string>();
  for (const c of contacts) others.add(c.requesterId === userId ? c.addresseeId : c.requesterId);
  for (const b of blocked) others.add(b.blockerId === userId ? b.blockedId : b.blockerId);
  const deleted = { sessionIds: sessions.map((s) => s.id), contactIds: [...others] };
  await accountDeleted(userId);
  sessionsEnded(userId, deleted.sessionIds);
  contactsChanged([userId, ...deleted.contactIds]);
  notifyContactsChanged(deleted.contactIds);
  return deleted;
}
