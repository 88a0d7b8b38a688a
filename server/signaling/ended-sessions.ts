// Sockets whose session ended (signed out, revoked, password changed, account
// deleted: server/realtime.ts#sessionsEnded) are told and closed; the client
// signs out.
import { userRoom, type SignalingNamespace, type SignalingSocket } from "../calls/namespace";

/** socket.io-parser's PacketType.EVENT. */
const SOCKET_IO_EVENT = 2;

/** Tells this node's sockets of these sessions that they ended, and closes them (the client signs out). */
export function endSessionSockets(nsp: SignalingNamespace, userId: string, sessionIds: string[]): void {
  const room = nsp.adapter.rooms.get(userRoom(userId));
  if (!room) return;
  const ended = new Set(sessionIds);
  for (const id of [...room]) {
    const socket = nsp.sockets.get(id);
    if (socket && ended.has(socket.data.sid)) closeEndedSession(nsp, socket);
  }
}

/**
 * `session:ended`, then the connection closed. Not `socket.emit`: with
 * connection-state recovery it goes through the adapter's broadcast, which
 * the Redis streams adapter delivers only after publishing it to Redis (a
 * round trip), by which time the socket is gone. A local-only broadcast to
 * the socket's own room is delivered at once (and is not kept for replay).
 */
export function closeEndedSession(nsp: SignalingNamespace, socket: SignalingSocket): void {
  const packet = { type: SOCKET_IO_EVENT, data: ["session:ended"] };
  void nsp.adapter.broadcast(packet as never, { rooms: new Set([socket.id]), except: new Set(), flags: { local: true } });
  socket.disconnect(true);
}
