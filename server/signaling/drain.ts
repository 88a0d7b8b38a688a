// Sending a node's clients elsewhere when it shuts down.
import type { SignalingNamespace } from "../calls/namespace";

/**
 * Closes the connection under every socket of this node, and resolves once
 * none is left (or after `waitMs`). The transport is closed, not the socket:
 * a Socket.IO client reconnects by itself after "transport close" (after a
 * server-side socket.disconnect() it would stay disconnected), and with the
 * Redis adapter it may recover its session (id, rooms, missed events) on the
 * node it lands on. Its call carries on: the client re-syncs and rejoins it
 * (call:rejoin) within the grace period, and peer-to-peer media never
 * depended on this node.
 */
export async function disconnectForReconnect(nsp: SignalingNamespace, waitMs: number): Promise<void> {
  for (const socket of nsp.sockets.values()) socket.conn.close();
  const deadline = Date.now() + waitMs;
  while (nsp.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
