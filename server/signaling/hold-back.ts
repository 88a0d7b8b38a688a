// What the node does with a sender over its user's budget, past the
// rate_limited answer (server/rate-limits.ts, MessageLimit):
//
// - "over": the socket's messages reach Socket.IO one per event-loop turn from
//   now on, not every message of a read in one synchronous run. A read is up
//   to 64 KB: ~1,800 small events, which every other user's ring would wait
//   behind. ws does this per connection with `allowSynchronousEvents: false`;
//   it is set here on the socket's receiver (an internal, docs/internals.md
//   item 9), because for everyone else one synchronous run is what lets a
//   burst of ICE candidates leave in one write (item 4).
// - "hold": on top, the socket is not read until the user's second ends. What
//   the sender writes meanwhile waits in the kernel's buffers and then in the
//   sender's own: the flood costs the sender, not the node. What was already
//   read is still answered (rate_limited), one message a turn.
//
// ws's pause()/resume() are public; the ws socket is reached through engine.io's
// websocket transport (`conn.transport.socket`, internal item 4).
import type { SignalingSocket } from "../calls/namespace";

type Ws = { pause(): void; resume(): void; terminate(): void; _receiver?: { _allowSynchronousEvents?: boolean } | null };
type Conn = { transport?: { socket?: Partial<Ws> } };

const held = new WeakSet<SignalingSocket>();

const wsOf = (socket: SignalingSocket): Partial<Ws> | undefined => (socket.conn as unknown as Conn).transport?.socket;

/** From now on, hand this socket's messages over one per event-loop turn. */
export function slowDown(socket: SignalingSocket): void {
  const receiver = wsOf(socket)?._receiver;
  if (receiver && receiver._allowSynchronousEvents === true) receiver._allowSynchronousEvents = false;
}

/** Stop reading `socket` for `ms` (once: a socket already held is left as it is). */
export function holdBack(socket: SignalingSocket, ms: number): void {
  if (held.has(socket)) return;
  const ws = wsOf(socket);
  if (typeof ws?.pause !== "function" || typeof ws.resume !== "function") return;
  held.add(socket);
  ws.pause();
  // resume() on a closed websocket does nothing: no need to clear the timer on disconnect.
  setTimeout(() => {
    held.delete(socket);
    ws.resume?.();
  }, ms).unref();
}

/**
 * Disconnect an abuser. A held-back socket cannot complete ws's closing
 * handshake (the peer's close frame is not read while paused, and ws would
 * wait 30 s with the kernel's buffers full): a second after the disconnect
 * packet and the close frame went out, its TCP connection is destroyed.
 */
export function cutOff(socket: SignalingSocket): void {
  const ws = held.has(socket) ? wsOf(socket) : undefined;
  socket.disconnect(true);
  if (typeof ws?.terminate === "function") setTimeout(() => ws.terminate?.(), 1_000).unref();
}
