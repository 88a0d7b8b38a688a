// The callee's side of answering before Accept (live-call.ts, P3★): each
// ringing call whose caller sent its prepared offer (`call:offer`) gets a
// peer connection here that has applied it, made its answer and gathered its
// candidates, and sends nothing until Accept takes it. The offer and the ring
// can arrive in either order (they travel different ways across nodes), so
// an offer waits for its ring and a ring for its offer; whatever is not taken
// is closed when the ring stops.
import type { SignalingSocket } from "@/app/lib/signaling-client";
import type { CallInfo, ServerToClientEvents } from "@/server/protocol/events";
import { startLiveCall, type LiveCall } from "./live-call";
import type { SignalMessage } from "./types";

type Offer = Parameters<ServerToClientEvents["call:offer"]>[0];

/** At most this many offers wait for their ring (a flood cannot grow the map). */
const MAX_WAITING = 8;

export class PreparedAnswers {
  private readonly offers = new Map<string, Offer>();
  private readonly calls = new Map<string, LiveCall>();

  constructor(
    private readonly socket: () => SignalingSocket | null,
    private readonly subscribeSignals: (callId: string, fn: (m: SignalMessage) => void) => () => void,
    /** Whether this tab may still prepare for the call (it rings here, and this tab is neither accepting it nor in a call). */
    private readonly mayPrepare: (callId: string) => CallInfo | null,
  ) {}

  /** The caller's prepared offer arrived. */
  offer(o: Offer): void {
    if (this.calls.has(o.callId)) return;
    if (this.offers.size >= MAX_WAITING) this.offers.clear();
    this.offers.set(o.callId, o);
    this.prepare(o.callId);
  }

  /** A ring arrived (its offer may already be here). */
  ring(callId: string): void {
    this.prepare(callId);
  }

  /** The prepared call for Accept (it leaves this registry), or null. */
  take(callId: string): LiveCall | null {
    this.offers.delete(callId);
    const live = this.calls.get(callId) ?? null;
    this.calls.delete(callId);
    return live;
  }

  /** The ring stopped (declined, missed, cancelled, answered elsewhere): close what was prepared. */
  drop(callId: string): void {
    this.take(callId)?.stop();
  }

  dropAll(): void {
    for (const id of [...this.calls.keys()]) this.drop(id);
    this.offers.clear();
  }

  private prepare(callId: string): void {
    const offer = this.offers.get(callId);
    const socket = this.socket();
    const call = offer && socket ? this.mayPrepare(callId) : null;
    if (!offer || !socket || !call || this.calls.has(callId)) return;
    this.offers.delete(callId);
    this.calls.set(callId, startLiveCall({ call, role: "callee", iceServers: offer.iceServers }, socket, this.subscribeSignals, { prepared: offer.description }));
  }
}
