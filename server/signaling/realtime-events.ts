// What the signaling does with the server's own events (server/realtime.ts,
// raised on this node, in Next's route code or here): a contact or block
// changed, sessions ended, a user renamed, an account was deleted. With several nodes the
// first two are passed on to every other node (serverSideEmit), which does
// the same with its own cache and sockets.
import type { ContactDirectory } from "../contacts/directory";
import type { SessionChecker } from "../auth/sessions";
import { onAccountEvents, onContactsChanged } from "../realtime";
import type { CallService } from "../calls/service";
import type { SignalingNamespace } from "../calls/namespace";
import { endSessionSockets } from "./ended-sessions";

export type RealtimeOptions = {
  directory: ContactDirectory;
  sessions: SessionChecker;
  calls: CallService;
  /** Several nodes share the load: tell the others. */
  several: boolean;
};

/** Listens until the returned function is called. */
export function followRealtimeEvents(nsp: SignalingNamespace, o: RealtimeOptions): () => void {
  const { directory, sessions, calls } = o;
  // A contact or block changed (on this node, in Next's route code or here):
  // forget those users here and on every other node.
  const stopListening = onContactsChanged((ids) => {
    directory.invalidate(ids);
    if (o.several) nsp.serverSideEmit("contacts:changed", ids);
  });
  nsp.on("contacts:changed", (ids: unknown) => {
    if (Array.isArray(ids)) directory.invalidate(ids.filter((id): id is string => typeof id === "string"));
  });
  // Sessions ended (server/realtime.ts#sessionsEnded, in Next's route code or
  // next-auth's sign-out on this node): their sockets go here, and every other
  // node is told to do the same with its own.
  const stopAccountEvents = onAccountEvents({
    sessionsEnded(userId, sessionIds) {
      endSessionSockets(nsp, userId, sessionIds);
      if (o.several) nsp.serverSideEmit("sessions:ended", { userId, sessionIds });
    },
    userRenamed(userId) {
      if (o.several) nsp.serverSideEmit("user:renamed", userId);
    },
    async accountDeleted(userId) {
      // Its live calls end now, as if it hung up: the other side is told at once.
      const state = await calls.sessionState(userId);
      const live = [state.active, state.outgoing, ...state.incoming].filter((c) => c !== null);
      await Promise.all(live.map((c) => calls.hangup(c.id, userId).catch(() => undefined)));
    },
  });
  // A name changed on another node: its sessions here carry the old one (the contact directory hears contacts:changed).
  nsp.on("user:renamed", (userId: unknown) => {
    if (typeof userId === "string") sessions.forgetUser(userId);
  });
  nsp.on("sessions:ended", (p: unknown) => {
    const { userId, sessionIds } = (p ?? {}) as { userId?: unknown; sessionIds?: unknown };
    if (typeof userId !== "string" || !Array.isArray(sessionIds)) return;
    const ids = sessionIds.filter((id): id is string => typeof id === "string");
    sessions.revoke(ids);
    endSessionSockets(nsp, userId, ids);
  });
  return () => {
    stopListening();
    stopAccountEvents();
  };
}
