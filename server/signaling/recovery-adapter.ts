// Socket.IO's own in-memory adapter for connection-state recovery, with its
// packet log kept to the recovery window. The stock SessionAwareAdapter logs
// every broadcast (each relayed SDP and ICE candidate included) and prunes the
// log once a minute, so it holds up to a minute more than any socket could
// ask back: at 25 calls a second that is ~50,000 packets held for nothing,
// which the garbage collector walks again and again. Pruned every second
// here; recovery itself is the library's, unchanged.
import type { Namespace } from "socket.io";
import { SessionAwareAdapter } from "socket.io-adapter";

type LoggedPacket = { emittedAt: number };

export class RecoveryAdapter extends SessionAwareAdapter {
  private readonly pruner: NodeJS.Timeout;

  constructor(nsp: Namespace) {
    super(nsp);
    this.pruner = setInterval(() => this.prune(), 1_000);
    this.pruner.unref();
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
