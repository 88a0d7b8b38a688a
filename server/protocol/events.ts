// The signaling contract, typed once: one zod schema per client→server payload,
// the server→client payload types, and the Socket.IO event maps derived from
// them. Imported by the server and by the browser; imports nothing but zod,
// its neighbours in server/protocol/ (the error codes) and the call domain's
// status and outcome types (server/call-domain/state-machine.ts).
import { z } from "zod";
import "./zod-in-browser";
import type { AckError } from "./errors";
import type { CallOutcome, CallStatus } from "../call-domain/state-machine";

export const LIMITS = {
  id: 64,
  sdp: 32_000,
  candidate: 1_024,
  /** Socket.IO maxHttpBufferSize: no single frame larger than this reaches a handler. */
  frame: 64_000,
} as const;

const id = z.string().min(1).max(LIMITS.id).regex(/^[A-Za-z0-9_-]+$/);
const sdp = z.string().min(1).max(LIMITS.sdp);
/** An SDP with no ICE candidate in it: nothing in it tells where its sender is. */
const sdpWithoutCandidates = sdp.refine((text) => !/^a=(candidate|end-of-candidates)/m.test(text), "no candidates before the call is answered");
export const callKind = z.enum(["video", "audio"]);
export type CallKind = z.infer<typeof callKind>;

export const schemas = {
  "session:sync": z.strictObject({}),
  "call:invite": z.strictObject({ calleeId: id, kind: callKind }),
  /**
   * `answer`: the answer this tab prepared while it rang (to the caller's
   * `call:offer`), with the candidates it gathered: relayed to the caller with
   * `call:accepted` once the accept succeeds, never before.
   */
  "call:accept": z.strictObject({ callId: id, answer: z.strictObject({ type: z.literal("answer"), sdp }).optional() }),
  "call:decline": z.strictObject({ callId: id }),
  "call:cancel": z.strictObject({ callId: id }),
  "call:hangup": z.strictObject({ callId: id }),
  /** `fresh`: this tab has a new peer connection (after a reload): the other side must start over too. */
  "call:rejoin": z.strictObject({ callId: id, fresh: z.boolean().optional() }),
  /** Fresh ICE servers (a new TURN credential) for this call, asked before an ICE restart: the one issued at the start may have expired. */
  "call:renew-ice": z.strictObject({ callId: id }),
  "signal:description": z.strictObject({
    callId: id,
    description: z.strictObject({
      type: z.enum(["offer", "answer"]),
      sdp,
    }),
  }),
  /**
   * The caller's offer, prepared while its call rings, for the callee's tabs
   * to prepare their answer before Accept. Only from the caller's socket in
   * the call, only while it rings, and without candidates (refused with
   * invalid_payload otherwise): the callee's ICE agent has nobody to check
   * before Accept, so ringing someone cannot reveal their address.
   */
  "call:offer": z.strictObject({ callId: id, description: z.strictObject({ type: z.literal("offer"), sdp: sdpWithoutCandidates }) }),
  "signal:candidate": z.strictObject({
    callId: id,
    candidate: z
      .strictObject({
        candidate: z.string().max(LIMITS.candidate),
        sdpMid: z.string().max(LIMITS.id).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .nullable(),
  }),
  /** Which of the sender's tracks are live: the other side's tile shows a muted mark, or the sender's avatar instead of a black frame. */
  "call:media-state": z.strictObject({ callId: id, audio: z.boolean(), video: z.boolean() }),
  /**
   * The sender shares its screen on the transceiver with this media id (`mid`,
   * the same on both sides), or stopped (`null`): the other side shows that
   * track large and the sender's camera as a small tile.
   */
  "call:screen-share": z.strictObject({ callId: id, mid: z.string().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/).nullable() }),
  "presence:list": z.strictObject({}),
} as const;

export type ClientEventName = keyof typeof schemas;
export const CLIENT_EVENTS = Object.keys(schemas) as ClientEventName[];
export type Payload<E extends ClientEventName> = z.infer<(typeof schemas)[E]>;

export type Presence = "online" | "in-call" | "offline";
export type UserRef = { id: string; name: string };
export type IceServer = { urls: string[]; username?: string; credential?: string };

/** What a participant may know about a call. */
export type CallInfo = {
  id: string;
  kind: CallKind;
  status: CallStatus;
  outcome: CallOutcome | null;
  caller: UserRef;
  callee: UserRef;
  createdAt: string;
  ringExpiresAt: string;
  answeredAt: string | null;
  endedAt: string | null;
};

export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** What each client→server event answers with when it succeeds. */
export type AckData = {
  "session:sync": { incoming: CallInfo[]; outgoing: CallInfo | null; active: CallInfo | null };
  /**
   * `iceServers` when the call rings (the caller prepares its peer connection
   * while it rings) and on glare (the callee was ringing us, so this answered
   * their call: `call` is active, we are its callee); none when it ended at once (busy).
   */
  "call:invite": { call: CallInfo; iceServers?: IceServer[] };
  "call:accept": { call: CallInfo; iceServers: IceServer[] };
  "call:decline": { call: CallInfo };
  "call:cancel": { call: CallInfo };
  "call:hangup": { call: CallInfo };
  "call:rejoin": { call: CallInfo; iceServers: IceServer[] };
  "call:renew-ice": { iceServers: IceServer[] };
  "signal:description": object;
  "call:offer": object;
  "signal:candidate": object;
  "call:media-state": object;
  "call:screen-share": object;
  "presence:list": { presence: Record<string, Presence> };
};

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: Payload<E>, ack: (res: Ack<AckData[E]>) => void) => void;
};

export type CallEndReason = string;

export type ServerToClientEvents = {
  /** A call is ringing for you (sent to every socket of the callee). */
  "call:incoming": (p: { call: CallInfo }) => void;
  /** Your outgoing call was accepted (sent to the caller's sockets). */
  "call:accepted": (p: { call: CallInfo; iceServers: IceServer[]; answer?: { type: "answer"; sdp: string } }) => void;
  /** The caller's prepared offer while your call rings (every socket of the callee), with your own ICE servers: prepare the answer, send it with `call:accept`. */
  "call:offer": (p: Payload<"call:offer"> & { iceServers: IceServer[] }) => void;
  /** Another of your devices answered this call: stop ringing here. */
  "call:answered-elsewhere": (p: { callId: string }) => void;
  /** The call ended (sent to every socket of both users). */
  "call:ended": (p: { call: CallInfo; reason: CallEndReason }) => void;
  /** The other participant's connection dropped / came back (grace period running). */
  "call:peer-connection": (p: { callId: string; connected: boolean; fresh?: boolean }) => void;
  /** The other participant muted / unmuted or turned their camera off / on. */
  "call:media-state": (p: Payload<"call:media-state">) => void;
  /** The other participant started (its `mid`) or stopped (`null`) sharing its screen. */
  "call:screen-share": (p: Payload<"call:screen-share">) => void;
  "signal:description": (p: Payload<"signal:description">) => void;
  "signal:candidate": (p: Payload<"signal:candidate">) => void;
  "presence:update": (p: { userId: string; presence: Presence }) => void;
  /** Your contact list or requests changed: refetch. */
  "contacts:changed": () => void;
  /** Your display name changed (in another tab or device): show this one. */
  "account:renamed": (p: { name: string }) => void;
  /** This browser's session was signed out, revoked or its account deleted: the server closes the connection right after; sign in again. */
  "session:ended": () => void;
};
