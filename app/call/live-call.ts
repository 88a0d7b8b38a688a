// The peer connection and local media of the call this tab is in. Started by
// CallClient the moment a call becomes active (the caller's `call:accepted`,
// the callee's accept answer, a rejoin, the other side's new connection), in
// the same task, not when React gets round to mounting the call screen: on the
// Accept → first frame path the offer and answer then go out while React
// renders. The call screen (usePeerSession) only subscribes to it.
//
// The caller's is started earlier still, `held`, as soon as its call rings:
// the peer connection is made, the camera attached, the offer created and ICE
// gathered while the callee's device rings, and nothing is sent. When the
// callee accepts, `release()` sends the offer and the candidates at once: the
// Accept → first frame path no longer waits for the caller to build them
// (docs/performance.md, B2). Nothing of the caller's reaches the callee
// before they accept, and nothing of the callee's is asked for.
import { request, type SignalingSocket } from "@/app/lib/signaling-client";
import type { ActiveCall, SignalMessage } from "./types";
import { takeLocalMedia, type LocalMedia } from "./local-media";
import { PeerSession } from "./peer-session";

export type LiveCall = {
  callId: string;
  generation: number;
  session: PeerSession;
  /** Local camera/microphone (or why there is none); the session gets it as soon as it is there. */
  media: Promise<LocalMedia>;
  /** Resolves when this side first sends an offer or answer. */
  offerSent: Promise<void>;
  /** A held call (prepared while it rings): send what it has made, and from now on send at once. */
  release: () => void;
  stop: () => void;
};

export function startLiveCall(
  active: ActiveCall,
  socket: SignalingSocket,
  subscribeSignals: (callId: string, fn: (m: SignalMessage) => void) => () => void,
  { held = false }: { held?: boolean } = {},
): LiveCall {
  const callId = active.call.id;
  // A video call answered with audio only sends no video (it still receives it).
  const kind = active.audioOnly ? "audio" : active.call.kind;
  let descriptionSent!: () => void;
  const offerSent = new Promise<void>((resolve) => (descriptionSent = resolve));
  // While held, outgoing signaling waits here, in order (offer, then candidates).
  let outbox: (() => void)[] | null = held ? [] : null;
  const send = (fn: () => void) => (outbox ? outbox.push(fn) : fn());
  const session = new PeerSession({
    polite: active.role === "callee",
    iceServers: active.iceServers,
    iceTransportPolicy: iceTransportPolicy(),
    kinds: kind === "video" ? ["audio", "video"] : ["audio"],
    sendDescription: (description) =>
      send(() => {
        void request(socket, "signal:description", { callId, description }).catch(() => undefined);
        descriptionSent();
      }),
    sendCandidate: (candidate) => send(() => void request(socket, "signal:candidate", { callId, candidate }).catch(() => undefined)),
    // With TURN, an ICE restart first gets a new credential (the call's may have
    // expired); without it there is nothing to renew and no round trip to wait for.
    renewIceServers: active.iceServers.some((s) => s.credential)
      ? async () => (await request(socket, "call:renew-ice", { callId }, 3_000)).iceServers
      : undefined,
  });
  const offSignals = subscribeSignals(callId, (m) => {
    if (m.type === "description") void session.handleDescription(m.payload.description);
    else if (m.payload.candidate) void session.handleCandidate(m.payload.candidate);
  });
  // Usually already on its way (prefetched when the call was placed or accepted).
  const media = takeLocalMedia(kind);
  // setLocalStream stops the tracks itself when the call is already over.
  void media.then(({ stream }) => session.setLocalStream(stream));
  return {
    callId,
    generation: active.generation ?? 0,
    session,
    media,
    offerSent,
    release: () => {
      const waiting = outbox ?? [];
      outbox = null;
      for (const fn of waiting) fn();
    },
    stop: () => {
      offSignals();
      session.close();
    },
  };
}

/** Test and diagnostics hook: `?ice=relay` forces TURN relay (used by the TURN e2e). */
function iceTransportPolicy(): RTCIceTransportPolicy {
  if (typeof window === "undefined") return "all";
  return (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy ?? "all";
}
