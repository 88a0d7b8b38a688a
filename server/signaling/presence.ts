// Presence: Online (a socket is connected), In a call (an active call), Offline.
// Contacts come from the directory, "in a call" from the call store, "online"
// from the sockets: on one node its own rooms, on several every node's (through
// the adapter), so any node answers the same.
import type { ContactDirectory } from "../contacts/directory";
import type { Presence } from "../protocol/events";
import type { CallStore } from "../calls/store";
import { userRoom, type SignalingNamespace } from "../calls/namespace";

export type PresenceSources = {
  nsp: SignalingNamespace;
  store: CallStore;
  directory: ContactDirectory;
  /** Only this node's sockets exist (no adapter between nodes). */
  singleNode: boolean;
};

async function onlineAmong(p: PresenceSources, ids: string[]): Promise<Set<string>> {
  if (p.singleNode) {
    const rooms = p.nsp.adapter.rooms;
    return new Set(ids.filter((id) => (rooms.get(userRoom(id))?.size ?? 0) > 0));
  }
  const sockets = await p.nsp.in(ids.map(userRoom)).fetchSockets();
  return new Set(sockets.map((s) => s.data.userId));
}

export async function presenceOf(p: PresenceSources, ids: string[]): Promise<Record<string, Presence>> {
  const out: Record<string, Presence> = {};
  if (ids.length === 0) return out;
  const online = await onlineAmong(p, ids);
  const inCall = await p.store.inActiveCalls(ids);
  for (const id of ids) out[id] = inCall.has(id) ? "in-call" : online.has(id) ? "online" : "offline";
  return out;
}

/** Tell each user's accepted contacts their current presence. */
export async function broadcastPresence(p: PresenceSources, userIds: string[]): Promise<void> {
  // One read for the whole batch's contacts (a burst of connects is one batch).
  await p.directory.preload(userIds);
  for (const userId of userIds) {
    const contacts = await p.directory.contactIds(userId);
    if (contacts.length === 0) continue;
    const presence = (await presenceOf(p, [userId]))[userId] ?? "offline";
    p.nsp.to(contacts.map(userRoom)).emit("presence:update", { userId, presence });
  }
}

const PRESENCE_BATCH_MS = 50;

/**
 * Presence changes are sent in batches a moment later: a status line may
 * trail by 50 ms, and the work stays out of the accept → offer → answer
 * exchange that triggered it (and a burst of connects is one batch).
 */
export function batchedPresence(p: PresenceSources): { changed: (userIds: string[]) => void; stop: () => void } {
  const pendingPresence = new Set<string>();
  let presenceTimer: NodeJS.Timeout | undefined;
  return {
    changed(ids) {
      for (const id of ids) pendingPresence.add(id);
      presenceTimer ??= setTimeout(() => {
        presenceTimer = undefined;
        const batch = [...pendingPresence];
        pendingPresence.clear();
        void broadcastPresence(p, batch).catch(() => undefined);
      }, PRESENCE_BATCH_MS);
    },
    stop: () => clearTimeout(presenceTimer),
  };
}
