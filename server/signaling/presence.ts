// Presence: Online (a socket is connected), In a call (an active call in the
// database), Offline. Both facts are read through the adapter / database, so
// any node answers the same.
import { contactIds } from "../authz";
import type { Db } from "../db/client";
import type { Presence } from "../call/protocol";
import { usersInActiveCalls } from "../calls/queries";
import { userRoom, type SignalingNamespace } from "../calls/service";

export async function presenceOf(db: Db, nsp: SignalingNamespace, ids: string[]): Promise<Record<string, Presence>> {
  const out: Record<string, Presence> = {};
  if (ids.length === 0) return out;
  const sockets = await nsp.in(ids.map(userRoom)).fetchSockets();
  const online = new Set(sockets.map((s) => s.data.userId));
  const inCall = await usersInActiveCalls(db, ids);
  for (const id of ids) out[id] = inCall.has(id) ? "in-call" : online.has(id) ? "online" : "offline";
  return out;
}

/** Tell each user's accepted contacts their current presence. */
export async function broadcastPresence(db: Db, nsp: SignalingNamespace, userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    const contacts = await contactIds(db, userId);
    if (contacts.length === 0) continue;
    const presence = (await presenceOf(db, nsp, [userId]))[userId] ?? "offline";
    nsp.to(contacts.map(userRoom)).emit("presence:update", { userId, presence });
  }
}
