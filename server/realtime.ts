// What the custom server shares with Next's route handlers (which load this
// module separately from the custom server): typed globalThis slots.
import type { SignalingNamespace } from "./calls/namespace";
import { userRoom } from "./calls/namespace";
import { getSessionChecker } from "./auth/sessions";

type ContactsListener = (userIds: string[]) => void;
/** What the signaling does when sessions end or an account goes (server/signaling/realtime-events.ts). */
export type AccountListener = {
  sessionsEnded(userId: string, sessionIds: string[]): void;
  /** The user's name changed: every other node forgets their cached sessions too. */
  userRenamed(userId: string): void;
  accountDeleted(userId: string): Promise<void>;
};
const slot = globalThis as typeof globalThis & {
  __dialtoneNsp?: SignalingNamespace;
  __dialtoneContactsListeners?: Set<ContactsListener>;
  __dialtoneAccountListeners?: Set<AccountListener>;
};

export function setSignalingNamespace(nsp: SignalingNamespace | undefined): void {
  slot.__dialtoneNsp = nsp;
}

/** Tell these users' open tabs that their contacts changed (they refetch). */
export function notifyContactsChanged(userIds: string[]): void {
  slot.__dialtoneNsp?.to(userIds.map(userRoom)).emit("contacts:changed");
}

/** Tell the user's own open tabs (every device, every node) their new display name. */
export function notifyRenamed(userId: string, name: string): void {
  slot.__dialtoneNsp?.to(userRoom(userId)).emit("account:renamed", { name });
}

/**
 * Every write to Contact or Block calls this (server/contacts/service.ts): the
 * signaling's contact directory (server/contacts/directory.ts) keeps who may
 * ring whom in memory and drops these users' entries.
 */
export function contactsChanged(userIds: string[]): void {
  for (const listener of slot.__dialtoneContactsListeners ?? []) listener(userIds);
}

/** Subscribe to contactsChanged; returns the unsubscribe. */
export function onContactsChanged(listener: ContactsListener): () => void {
  const listeners = (slot.__dialtoneContactsListeners ??= new Set());
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * These sessions of `userId` were deleted from the database (signed out,
 * revoked from the account page, a password change, the account deleted):
 * this process forgets them at once (server/auth/sessions.ts), and the
 * signaling disconnects their sockets here and on every other node.
 */
export function sessionsEnded(userId: string, sessionIds: string[]): void {
  if (sessionIds.length === 0) return;
  getSessionChecker().revoke(sessionIds);
  for (const listener of slot.__dialtoneAccountListeners ?? []) listener.sessionsEnded(userId, sessionIds);
}

/**
 * The user's display name changed: this process's session cache forgets their
 * sessions (it holds the name the header and next-auth's session show), and
 * the signaling tells every other node to do the same.
 */
export function userRenamed(userId: string): void {
  getSessionChecker().forgetUser(userId);
  for (const listener of slot.__dialtoneAccountListeners ?? []) listener.userRenamed(userId);
}

/** The account was deleted: its live calls end now (the other side is told), wherever they are decided. */
export async function accountDeleted(userId: string): Promise<void> {
  for (const listener of slot.__dialtoneAccountListeners ?? []) await listener.accountDeleted(userId);
}

/** Subscribe to sessionsEnded / userRenamed / accountDeleted; returns the unsubscribe. */
export function onAccountEvents(listener: AccountListener): () => void {
  const listeners = (slot.__dialtoneAccountListeners ??= new Set());
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
