// The active call's verification: once its DTLS transport is up, read the
// two certificates actually negotiated (getStats), derive the code both
// people compare (sas.ts) and look the other side's certificate up in what
// this browser verified before (trusted-peers.ts). A store of its own, read
// by the call screen's Verify control only.
import type { PeerSession } from "./peer-session";
import { canonicalFingerprint, deriveSas, negotiatedFingerprints } from "./sas";
import { markVerified, trustOf, unmarkVerified, type TrustState } from "./trusted-peers";

export type VerificationSnapshot =
  | { ready: false }
  | { ready: true; code: string; trust: TrustState; /** The other side's certificate, canonical text. */ remote: string; local: string };

const NOT_READY: VerificationSnapshot = { ready: false };

export class CallVerification {
  private snap: VerificationSnapshot = NOT_READY;
  private listeners = new Set<() => void>();
  private off: (() => void) | null = null;
  private peer: string | null = null;
  private run = 0;

  constructor(private readonly me: string) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): VerificationSnapshot => this.snap;

  /** Follow `session` (the active call's, with `peer` the other person's user id); null stops. */
  track(session: PeerSession | null, peer: string | null): void {
    this.off?.();
    this.off = null;
    const run = ++this.run;
    this.peer = peer;
    this.set(NOT_READY);
    if (!session || !peer) return;
    const check = () => {
      if (session.getState() === "connected") void this.read(session, run);
    };
    // An ICE restart keeps the certificates; a new session (the other side reloaded) comes through track() again.
    this.off = session.on("state", check);
    check();
  }

  /** The person compared the codes and they matched. */
  confirm(): void {
    const s = this.snap;
    if (!s.ready || !this.peer) return;
    markVerified(this.me, this.peer, s.remote);
    this.set({ ...s, trust: "verified" });
  }

  /** Take the verification back. */
  revoke(): void {
    const s = this.snap;
    if (!s.ready || !this.peer) return;
    unmarkVerified(this.me, this.peer, s.remote);
    this.set({ ...s, trust: trustOf(this.me, this.peer, s.remote) });
  }

  private async read(session: PeerSession, run: number): Promise<void> {
    if (this.snap.ready) return;
    // DTLS may report "connected" a moment after the connection state does.
    for (let attempt = 0; attempt < 20 && run === this.run; attempt++) {
      const found = negotiatedFingerprints((await session.pc.getStats()).values() as Iterable<never>);
      if (found && run === this.run && this.peer) {
        const remote = canonicalFingerprint(found.remote);
        const code = await deriveSas(found.local, found.remote);
        if (run !== this.run) return;
        this.set({ ready: true, code, trust: trustOf(this.me, this.peer, remote), remote, local: canonicalFingerprint(found.local) });
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private set(next: VerificationSnapshot): void {
    if (next === this.snap) return;
    this.snap = next;
    for (const fn of this.listeners) fn();
  }
}
