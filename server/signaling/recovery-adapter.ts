// The single-node adapter when connection-state recovery is on: Socket.IO's
// SessionAwareAdapter, which logs every broadcast for the recovery window
// (maxDisconnectionDuration) so that a socket that blips gets what it missed.
// Two changes, recovery itself untouched:
// - The log is pruned every second. The stock adapter prunes it once a
//   minute, holding up to a minute more than any socket could ask back: at 25
//   calls a second ~50,000 packets (each relayed SDP and ICE candidate
//   included) that the garbage collector walks again and again.
// - presence:update is delivered but not logged. Every (re)connected client,
//   recovered or not, asks presence:list on "connect" (app/call/
//   call-provider.tsx), which is newer than any missed update; logged, they
//   were ~1 KB each, one per connect and disconnect.
// With Redis the streams adapter keeps packets in Redis, not here.
import type { Namespace } from "socket.io";
import { Adapter, SessionAwareAdapter } from "socket.io-adapter";

/** Broadcasts that a recovered socket does not need replayed (it re-reads them on connect). */
const NOT_REPLAYED = new Set(["presence:update"]);

type LoggedPacket = { emittedAt: number };

export class RecoveryAdapter extends SessionAwareAdapter {
  private readonly pruner: NodeJS.Timeout;

  constructor(nsp: Namespace) {
    super(nsp);
    this.pruner = setInterval(() => this.prune(), 1_000);
    this.pruner.unref();
  }

  override broadcast(...[packet, opts]: Parameters<SessionAwareAdapter["broadcast"]>): void {
    const event: unknown = Array.isArray(packet.data) ? packet.data[0] : undefined;
    // Adapter's broadcast delivers it exactly as SessionAwareAdapter would, without logging it.
    if (typeof event === "string" && NOT_REPLAYED.has(event)) return Adapter.prototype.broadcast.call(this, packet, opts);
    super.broadcast(packet, opts);
  }

  private prune(): void {
    // The library's own fields (private in its typings): the log, oldest first, and the window.
    const self = this as unknown as { packets: LoggedPacket[]; maxDisconnectionDuration: number };
    const threshold = Date.now() - self.maxDisconnectionDuration;
    let expired = 0;
    while (expired < self.packets.length && self.packets[expired]!.emittedAt < threshold) expired++;
    if (expired > 0) self.packets.splice(0, expired);
  }

  override close(): void {
    clearInterval(this.pruner);
  }
}
