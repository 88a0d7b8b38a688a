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

/**
 * Which of these users have a socket somewhere. A socket on this node answers
 * for its user at once; only the others are asked of every node, and the
 * questions asked in the same tick (a reconnect storm's presence:list
 * requests, a presence batch) are one cluster request, not one each: a
 * request waits for every node's answer (for a node that just died, until the
 * adapter drops it), and each costs a stream entry that every node reads.
 */
async function onlineAmong(p: PresenceSources, ids: string[]): Promise<Set<string>> {
  const rooms = p.nsp.adapter.rooms;
  const here = new Set(ids.filter((id) => (rooms.get(userRoom(id))?.size ?? 0) > 0));
  if (p.singleNode || here.size === ids.length) return here;
  const elsewhere = await clusterOnline(p.nsp, ids.filter((id) => !here.has(id)));
  for (const id of elsewhere) here.add(id);
  return here;
}

type OnlineBatch = { ids: Set<string>; online: Promise<Set<string>> };
const batches = new WeakMap<SignalingNamespace, OnlineBatch>();

/** The users among `ids` with a socket on any node, asked together with the other questions of this tick. */
function clusterOnline(nsp: SignalingNamespace, ids: string[]): Promise<Set<string>> {
  let batch = batches.get(nsp);
  if (!batch) {
    const asked = new Set<string>();
    const online = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      batches.delete(nsp);
      const sockets = await nsp.in([...asked].map(userRoom)).fetchSockets();
      return new Set(sockets.map((s) => s.data.userId));
    });
    batch = { ids: asked, online };
    batches.set(nsp, batch);
  }
  for (const id of ids) batch.ids.add(id);
  return batch.online;
}

export async function presenceOf(p: PresenceSources, ids: string[]): Promise<Record<string, Presence>> {
  const out: Record<string, Presence> = {};
  if (ids.length === 0) return out;
  const [online, inCall] = await Promise.all([onlineAmong(p, ids), p.store.inActiveCalls(ids)]);
  for (const id of ids) out[id] = inCall.has(id) ? "in-call" : online.has(id) ? "online" : "offline";
  return out;
}

/** Tell each user's accepted contacts their current presence. */
export async function broadcastPresence(p: PresenceSources, userIds: string[]): Promise<void> {
  // One read for the whole batch's contacts (a burst of connects is one batch),
  // and one presence question for all of its users who have contacts.
  const entries = await p.directory.preload(userIds);
  const withContacts = userIds.filter((id) => (entries.get(id)?.ids.trim() ?? "") !== "");
  if (withContacts.length === 0) return;
  const presence = await presenceOf(p, withContacts);
  for (const userId of withContacts) {
    const contacts = await p.directory.contactIds(userId);
    if (contacts.length === 0) continue;
    p.nsp.to(contacts.map(userRoom)).emit("presence:update", { userId, presence: presence[userId] ?? "offline" });
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
