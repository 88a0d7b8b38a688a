// What the custom server shares with Next's route handlers (which load this
// module separately from the custom server): typed globalThis slots.
import type { SignalingNamespace } from "./calls/namespace";
import { userRoom } from "./calls/namespace";

type ContactsListener = (userIds: string[]) => void;
const slot = globalThis as typeof globalThis & {
  __dialtoneNsp?: SignalingNamespace;
  __dialtoneContactsListeners?: Set<ContactsListener>;
};

export function setSignalingNamespace(nsp: SignalingNamespace | undefined): void {
  slot.__dialtoneNsp = nsp;
}

/** Tell these users' open tabs that their contacts changed (they refetch). */
export function notifyContactsChanged(userIds: string[]): void {
  slot.__dialtoneNsp?.to(userIds.map(userRoom)).emit("contacts:changed");
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
