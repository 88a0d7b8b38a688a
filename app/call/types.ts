// The call client's shared types: what the UI reads (CallSnapshot) and what
// the call client and the live call pass between them. Kept apart so that
// call-client.ts and live-call.ts do not import each other.
import type { CallInfo, IceServer, Payload, Presence, ServerToClientEvents } from "@/server/protocol/events";
import type { HistoryLabel } from "@/server/call-domain/state-machine";
import type { CallServices } from "./call-services";
import type { MediaProblem } from "./local-media";
import type { ToolsView } from "./media-tools";
import type { PeerState } from "./peer-session";
import type { QualitySummary } from "./quality-recorder";

/** `generation` bumps when the other side comes back with a new peer connection (it reloaded): we start a new one too. */
export type ActiveCall = {
  call: CallInfo;
  role: "caller" | "callee";
  iceServers: IceServer[];
  generation?: number;
  /** The callee answered a video call with audio only: no camera on this side. */
  audioOnly?: boolean;
};

/** The call this tab placed: ringing (`outcome` null) or ended unanswered (its history word, e.g. "Declined"). */
export type Outgoing = { call: CallInfo; outcome: HistoryLabel | null };

export type SignalMessage =
  | { type: "description"; payload: Payload<"signal:description"> }
  | { type: "candidate"; payload: Payload<"signal:candidate"> };

/** What came for a call before its invite ack. */
export type EarlyEvents = {
  accepted?: Parameters<ServerToClientEvents["call:accepted"]>[0];
  ended?: Parameters<ServerToClientEvents["call:ended"]>[0];
};

/** Which of a participant's tracks are live (not muted / not turned off). */
export type MediaState = { audio: boolean; video: boolean };

/** A call this tab was in, just ended: the end-of-call sheet shows it. */
export type EndedCall = {
  call: CallInfo;
  /** Who ended it, as this tab saw it. */
  endedBy: "me" | "them" | "lost" | "elsewhere";
  /** Seconds between answer and end. */
  seconds: number;
  /** What this side measured (null: the call never got its services, or another tab held it). */
  quality: QualitySummary | null;
};

/** Message ids of the "notice" namespace. */
export type NoticeKey = "offline" | "continuesElsewhere" | "endedWhileOffline" | "missedFrom" | "unknownError" | "mediaStillBlocked";

/** A one-off message for the person (shown as a toast): one of ours, or a server error to translate by its code. */
export type Notice =
  | { id: number; kind: "message"; key: NoticeKey; values?: Record<string, string>; tone: "info" | "error" }
  | { id: number; kind: "error"; code: string; message: string };

/**
 * The active call's media, a store of its own (CallClient.subscribeMedia):
 * only the call screen reads it. Its changes come while the call is being
 * set up (tracks, camera, connection state), and a render of every page
 * component for each of them held the offer and answer back (bench B2).
 */
export type MediaSnapshot = {
  /** The active call's peer connection state. */
  peerState: PeerState;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  mediaProblem: MediaProblem;
  /** This side's microphone / camera switches. */
  localMedia: MediaState;
  /** The other side's, as they last told us (call:media-state). */
  remoteMedia: MediaState;
  /** The active call's chat and connection quality (call-services.ts); null without a live session. */
  services: CallServices | null;
  /** Screen share (both sides), voice → video, device notices (media-tools.ts). */
  tools: ToolsView;
};

/** Everything the UI shows about calls, as one immutable value (a new object on every change). */
export type CallSnapshot = {
  /** The signaling connection is up. */
  connected: boolean;
  /** The socket has connected at least once since the page loaded. */
  everConnected: boolean;
  presence: Record<string, Presence>;
  contactsVersion: number;
  historyVersion: number;
  incoming: CallInfo[];
  outgoing: Outgoing | null;
  active: ActiveCall | null;
  /** The other participant's signaling connection dropped (the server's grace period runs). */
  peerAway: boolean;
  ended: EndedCall | null;
  notices: Notice[];
};
