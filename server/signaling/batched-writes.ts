// When engine.io hands a connection several packets at once (they queued while
// the previous write was in flight: the rest of a burst of ICE candidates, the
// acks for them), each becomes its own WebSocket frame, and without this its
// own write(2) to the kernel and its own TCP segment. Corking the TCP socket
// around that hand-over sends them in one writev: one system call and one
// wake-up of the peer per burst instead of one per packet. The frames, their
// order and their content are unchanged.
//
// engine.io announces each hand-over on the server: "flush" (conn, packets)
// right before transport.send(packets), "drain" (conn) right after, both
// synchronously; one listener pair serves every connection (nothing per
// socket, which idle memory would pay for).
import type { Server as EngineServer } from "engine.io";
import type { Socket as NetSocket } from "node:net";

type Conn = { transport?: { socket?: { _socket?: NetSocket } } };

export function batchWrites(engine: EngineServer): void {
  // flush → send → drain run in one synchronous step, so at most one
  // connection is corked at a time; a send that threw (no drain) is uncorked
  // by the next flush.
  let corked: NetSocket | undefined;
  const release = () => {
    const s = corked;
    corked = undefined;
    s?.uncork();
  };
  engine.on("flush", (conn: Conn, packets: unknown[]) => {
    release();
    if (packets.length < 2) return;
    const tcp = conn.transport?.socket?._socket;
    if (!tcp || tcp.destroyed) return;
    tcp.cork();
    corked = tcp;
  });
  engine.on("drain", release);
}
