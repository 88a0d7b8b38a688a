// Connection-state recovery, tied to the user. Socket.IO restores a recovered
// socket's rooms and writes the events it missed in the Socket's constructor,
// before any middleware has looked at the cookie: whoever presents a pid and a
// recent offset would get the old socket's call room and its missed SDP/ICE.
// So the adapter hands Socket.IO an empty session (same id, pid and data, no
// rooms, nothing to replay) and holds the rest here; the handshake middleware
// then checks that the recovered socket's user is the cookie's user
// (`recoveryAllowed`) and refuses the connection otherwise, and only a
// connected socket of the same user gets its rooms and missed events back
// (`restoreRecovered`). Works for any adapter (the one-node RecoveryAdapter and
// the Redis streams adapter): it wraps the adapter's own restoreSession.
import type { Namespace, Socket } from "socket.io";
import type { Adapter, Room, Session } from "socket.io-adapter";

type Held = { rooms: Room[]; missedPackets: unknown[][] };
type AdapterClass = new (nsp: Namespace) => Adapter;
/** What io.adapter() takes: Socket.IO calls it with `new`, which returns the adapter object. */
type AdapterFactory = (nsp: Namespace) => Adapter;

/** Keyed by the session's data object, which Socket.IO installs as the recovered socket's `data`. */
const held = new WeakMap<object, Held>();

/** An adapter whose restored sessions carry no rooms and no missed packets until `restoreRecovered`. */
export function holdingRecoveredState(Base: AdapterClass | AdapterFactory): AdapterFactory {
  return function holding(nsp: Namespace): Adapter {
    const adapter = new (Base as AdapterClass)(nsp);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session) return session;
      // No user to compare with later: no recovery (a fresh socket).
      if (typeof session.data !== "object" || session.data === null) return null as unknown as Session;
      held.set(session.data, { rooms: session.rooms, missedPackets: session.missedPackets });
      return { ...session, rooms: [], missedPackets: [] };
    };
    return adapter;
  };
}

/** A fresh socket, or a recovered one whose previous user is `userId`. */
export function recoveryAllowed(socket: Socket, userId: string): boolean {
  if (!socket.recovered) return true;
  const data: unknown = socket.data;
  return typeof data === "object" && data !== null && held.has(data) && (data as { userId?: unknown }).userId === userId;
}

/** Joins a connected, recovered socket to its old rooms and sends it the events it missed. */
export function restoreRecovered(socket: Socket): void {
  const data: unknown = socket.data;
  if (!socket.recovered || typeof data !== "object" || data === null) return;
  const state = held.get(data);
  if (!state) return;
  held.delete(data);
  void socket.join(state.rooms);
  for (const [event, ...args] of state.missedPackets) socket.emit(event as string, ...args);
}
