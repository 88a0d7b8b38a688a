// The peer connection and local media of the call this tab is in. Started by
// CallClient the moment a call becomes active (the caller's `call:accepted`,
// the callee's accept answer, a rejoin, the other side's new connection), in
// the same task, not when React gets round to mounting the call screen: on the
// Accept → first frame path the offer and answer then go out while React
// renders. The call screen (usePeerSession) only subscribes to it.
//
// Both sides start before the call is answered (docs/performance.md, B2, P3★):
// - The caller's is `held` as soon as its call rings: the peer connection is
//   made, the camera attached, the offer created and ICE gathered. The offer
//   (stripped of candidates) goes to the callee's tabs at once with
//   `call:offer`; the caller's candidates are held.
// - Each ringing tab of the callee is `prepared` from that offer: it applies
//   it, makes its answer and gathers its own candidates, and sends nothing;
//   the camera does not start. At Accept, the answer (with the candidates
//   gathered so far) rides on `call:accept`, and the server hands it to the
//   caller with `call:accepted`; the caller then sends its candidates, and
//   connectivity checks start at once.
// Before Accept nothing of the callee's reaches the caller, and the callee's
// ICE agent knows no address of the caller's to check: ringing someone cannot
// reveal where they are. Decline, a timeout or another device answering
// closes the prepared connection.
import { request, type SignalingSocket } from "@/app/lib/signaling-client";
import type { ActiveCall, SignalMessage } from "./types";
import { iceTransportPolicy } from "./ice-policy";
import { identityCertificate } from "./identity-certificate";
import { takeLocalMedia, type LocalMedia } from "./local-media";
import { MediaTools } from "./media-tools";
import { PeerSession, type DescriptionMessage } from "./peer-session";

/** The longest Accept waits for a prepared answer still being made before it answers the ordinary way. */
const ANSWER_WAIT_MS = 300;

export type LiveCall = {
  callId: string;
  /** The other participant's user id. */
  peerId: string;
  generation: number;
  session: PeerSession;
  /** Device switches, the camera in a voice call, screen share (media-tools.ts). */
  tools: MediaTools;
  /** Local camera/microphone (or why there is none); the session gets it as soon as it is there. */
  media: Promise<LocalMedia>;
  /** Resolves when this side first sends an offer or answer. */
  offerSent: Promise<void>;
  /**
   * A held or prepared call: send what it has held, and from now on send at
   * once. The caller passes the callee's prepared answer when `call:accepted`
   * carried one (its offer then went out already, with `call:offer`).
   */
  release: (answer?: DescriptionMessage) => void;
  /** A prepared callee's answer with the candidates gathered so far (those are then not sent again), or null when none is ready in time. */
  takeAnswer: () => Promise<{ type: "answer"; sdp: string } | null>;
  /** A prepared callee's camera and microphone start (at Accept). */
  startMedia: () => void;
  stop: () => void;
};

type Outgoing = { what: "description" | "candidate"; send: () => void };

export function startLiveCall(
  active: ActiveCall,
  socket: SignalingSocket,
  subscribeSignals: (callId: string, fn: (m: SignalMessage) => void) => () => void,
  {
    held = false,
    earlyOffer = false,
    prepared,
  }: {
    /** Send nothing until release(). */
    held?: boolean;
    /** The caller's ring: its offer goes to the callee's tabs at once (`call:offer`), the rest is held. */
    earlyOffer?: boolean;
    /** The callee's ring: the caller's offer, answered at once and held, with no camera until startMedia(). */
    prepared?: DescriptionMessage;
  } = {},
): LiveCall {
  const callId = active.call.id;
  // A video call answered with audio only sends no video (it still receives it).
  const kind = active.audioOnly ? "audio" : active.call.kind;
  let descriptionSent!: () => void;
  const offerSent = new Promise<void>((resolve) => (descriptionSent = resolve));
  // While held or prepared, outgoing signaling waits here, in order.
  let outbox: Outgoing[] | null = held || earlyOffer || prepared ? [] : null;
  const send = (what: Outgoing["what"], fn: () => void) => (outbox ? outbox.push({ what, send: fn }) : fn());
  let answered!: () => void;
  const answerMade = new Promise<void>((resolve) => (answered = resolve));
  const session = new PeerSession({
    polite: active.role === "callee",
    iceServers: active.iceServers,
    iceTransportPolicy: iceTransportPolicy(),
    certificate: identityCertificate(),
    kinds: kind === "video" ? ["audio", "video"] : ["audio"],
    sendDescription: (description) => {
      if (earlyOffer && description.type === "offer") {
        // The callee's tabs prepare their answer from it while it rings.
        earlyOffer = false;
        void request(socket, "call:offer", { callId, description: { type: "offer", sdp: withoutCandidates(description.sdp) } }).catch(() => undefined);
      }
      if (description.type === "answer") answered();
      send("description", () => {
        void request(socket, "signal:description", { callId, description }).catch(() => undefined);
        descriptionSent();
      });
    },
    sendCandidate: (candidate) => send("candidate", () => void request(socket, "signal:candidate", { callId, candidate }).catch(() => undefined)),
    // With TURN, an ICE restart first gets a new credential (the call's may have
    // expired); without it there is nothing to renew and no round trip to wait for.
    renewIceServers: active.iceServers.some((s) => s.credential)
      ? async () => (await request(socket, "call:renew-ice", { callId }, 3_000)).iceServers
      : undefined,
  });
  const tools = new MediaTools(session, {
    screenShare: (mid) => void request(socket, "call:screen-share", { callId, mid }).catch(() => undefined),
  });
  const offSignals = subscribeSignals(callId, (m) => {
    if (m.type === "description") void session.handleDescription(m.payload.description);
    else if (m.payload.candidate) void session.handleCandidate(m.payload.candidate);
  });
  let startMedia!: () => void;
  const media = new Promise<LocalMedia>((resolve) => {
    startMedia = () => {
      startMedia = () => undefined;
      // Usually already on its way (prefetched when the call was placed or accepted).
      resolve(takeLocalMedia(kind));
    };
  });
  // setLocalStream stops the tracks itself when the call is already over.
  void media.then(({ stream }) => session.setLocalStream(stream));
  // A prepared callee's camera waits for Accept; everyone else's starts now.
  if (prepared) void session.handleDescription(prepared);
  else startMedia();
  return {
    callId,
    peerId: active.role === "caller" ? active.call.callee.id : active.call.caller.id,
    generation: active.generation ?? 0,
    session,
    tools,
    media,
    offerSent,
    release: (answer) => {
      let waiting = outbox ?? [];
      outbox = null;
      earlyOffer = false;
      if (answer) {
        // The offer reached the callee with call:offer; its answer is here.
        waiting = waiting.filter((o) => o.what !== "description");
        void session.handleDescription(answer);
        descriptionSent();
      }
      for (const o of waiting) o.send();
    },
    takeAnswer: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ANSWER_WAIT_MS)));
      const ready = await Promise.race([answerMade, late]);
      clearTimeout(timer);
      const local = session.pc.localDescription;
      if (ready === "late" || !outbox || local?.type !== "answer") return null;
      // Everything gathered so far is in the description itself.
      outbox = outbox.filter((o) => o.what !== "description" && o.what !== "candidate");
      descriptionSent();
      return { type: "answer", sdp: local.sdp };
    },
    startMedia: () => startMedia(),
    stop: () => {
      offSignals();
      tools.stop();
      session.close();
    },
  };
}

/** An SDP without its ICE candidates or default address (the caller's offer before the call is answered). */
export function withoutCandidates(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((line) => !line.startsWith("a=candidate:") && line !== "a=end-of-candidates")
    .map((line) => (line.startsWith("c=IN ") ? "c=IN IP4 0.0.0.0" : line.startsWith("a=rtcp:") ? line.replace(/ IN IP[46] \S+$/, " IN IP4 0.0.0.0") : line))
    .join("\r\n");
}
