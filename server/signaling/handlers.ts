// What a connected /signaling socket may say: one handler per event, each
// parse (zod) → authorise → call service → ack. Every event, known or not,
// first counts against its user's budget (./user-budget.ts). Nothing is
// relayed unless the sending socket is a member of that call's room. Who may
// connect at all is ./handshake.ts.
import { DialtoneError, toAckError } from "../protocol/errors";
import { schemas, type AckData, type ClientEventName, type IceServer, type Payload } from "../protocol/events";
import type { Limits } from "../rate-limits";
import type { ContactDirectory } from "../contacts/directory";
import type { CallService, RingAdmission } from "../calls/service";
import { callRoom, type SignalingNamespace, type SignalingSocket } from "../calls/namespace";
import type { Log } from "../observability/log";
import type { Metrics } from "../observability/metrics";
import type { relayOnlyCheck } from "../privacy";
import { presenceOf, type PresenceSources } from "./presence";
import type { UserBudgets } from "./user-budget";
import type { Admission } from "./handshake";
import type { Refused } from "./observed";
import { cutOff, holdBack, slowDown } from "./hold-back";

/** The answer to every event over the user's budget: made once, no validation, no handler. */
const RATE_LIMITED = Object.freeze(toAckError(new DialtoneError("rate_limited")));

type Sock = SignalingSocket;
type Handler<E extends ClientEventName> = (socket: Sock, payload: Payload<E>) => Promise<AckData[E]>;

export type HandlerOptions = {
  calls: CallService;
  directory: ContactDirectory;
  presence: PresenceSources;
  /** Called after a user's sockets changed (presence, sent in a batch). */
  presenceChanged: (userIds: string[]) => void;
  /** "Hide my IP address" (server/privacy.ts). */
  relayOnly: ReturnType<typeof relayOnlyCheck>;
  /** ICE servers for one participant (per-user TURN credentials). */
  iceServers: (userId: string) => IceServer[];
  ringAdmission: (userId: string) => RingAdmission;
  limits: Limits;
  budgets: UserBudgets;
  /** The caps a socket is admitted under (./handshake.ts). */
  admission: Admission;
  log: Log;
  metrics: Metrics;
  refused: Refused;
};

export function handleEvents(nsp: SignalingNamespace, o: HandlerOptions): void {
  const { calls, directory, presence, presenceChanged, relayOnly, ringAdmission, budgets, admission, log, metrics, refused } = o;

  const handlers: { [E in ClientEventName]: Handler<E> } = {
    "session:sync": (s) => calls.sessionState(s.data.userId),
    "call:invite": async (s, p) => {
      // Joins this socket to the call room (ringing), or, on glare, answers the
      // callee's ring to us from this socket (the ack then has the active call).
      // Nothing is rung before the ring limit has admitted the invite.
      return calls.invite(s.data.userId, p.calleeId, p.kind, s.id, ringAdmission(s.data.userId));
    },
    "call:accept": async (s, p) => {
      if (p.answer) await relayOnly.sdp(s.data.userId, p.answer.sdp);
      return calls.accept(p.callId, s.data.userId, s.id, p.answer);
    },
    "call:decline": async (s, p) => ({ call: await calls.decline(p.callId, s.data.userId) }),
    "call:cancel": async (s, p) => ({ call: await calls.cancel(p.callId, s.data.userId) }),
    "call:hangup": async (s, p) => ({ call: await calls.hangup(p.callId, s.data.userId) }),
    "call:rejoin": (s, p) => calls.rejoin(p.callId, s.data.userId, s.id, p.fresh ?? false),
    // Only the socket that holds the call (it is in the call's room) gets a
    // new credential, signed for its own user; no database, no state change.
    "call:renew-ice": async (s, p) => {
      requireInCall(s, p.callId);
      return { iceServers: o.iceServers(s.data.userId) };
    },
    "signal:description": async (s, p) => {
      requireInCall(s, p.callId);
      await relayOnly.sdp(s.data.userId, p.description.sdp);
      s.to(callRoom(p.callId)).emit("signal:description", p);
      return {};
    },
    // The caller's socket is in the call's room from its invite; the service
    // checks it rings and that this is its caller, and sends it to the callee's tabs.
    "call:offer": async (s, p) => {
      requireInCall(s, p.callId);
      await calls.offer(p.callId, s.data.userId, p.description);
      return {};
    },
    "signal:candidate": async (s, p) => {
      requireInCall(s, p.callId);
      if (p.candidate) await relayOnly.candidate(s.data.userId, p.candidate.candidate);
      s.to(callRoom(p.callId)).emit("signal:candidate", p);
      return {};
    },
    "call:media-state": async (s, p) => {
      requireInCall(s, p.callId);
      s.to(callRoom(p.callId)).emit("call:media-state", p);
      return {};
    },
    "call:screen-share": async (s, p) => {
      requireInCall(s, p.callId);
      s.to(callRoom(p.callId)).emit("call:screen-share", p);
      return {};
    },
    "presence:list": async (s) => {
      const ids = await directory.contactIds(s.data.userId);
      return { presence: await presenceOf(presence, ids) };
    },
  };

  /** Authorisation of everything said inside a call (relay, new ICE servers): the sender must have joined this call's room. */
  function requireInCall(s: Sock, callId: string) {
    if (!s.rooms.has(callRoom(callId))) throw new DialtoneError("not_in_call");
  }

  async function onEvent(socket: Sock, event: ClientEventName, args: unknown[], ack: ((res: unknown) => void) | undefined) {
    try {
      if (args.length !== 1) throw new DialtoneError("invalid_payload");
      const parsed = schemas[event].safeParse(args[0]);
      if (!parsed.success) throw new DialtoneError("invalid_payload");
      const data = await (handlers[event] as Handler<typeof event>)(socket, parsed.data as never);
      ack?.({ ok: true, ...data });
    } catch (err) {
      if (!(err instanceof DialtoneError)) log.error({ event: "signaling.error", socketEvent: event, userId: socket.data.userId, err }, `${event} failed`);
      const res = toAckError(err);
      refused(event, res.code, socket.data.userId);
      ack?.(res);
    }
  }

  // The listeners below are shared by every socket (Socket.IO calls them with
  // `this` = the socket), not closures per socket: an idle connection should
  // hold as little as possible (it kept ten per-event closures once, then
  // three).
  function onAnyEvent(this: Sock, event: string, ...args: unknown[]): void {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (res: unknown) => void) : undefined;
    // Every event, known or not, counts against the user's budget before anything else is done with it.
    const counter = this.data.messages;
    if (!counter) return;
    const verdict = o.limits.userMessages.take(counter);
    if (verdict !== "ok") {
      metrics.rateLimited.inc({ limit: "user_messages" });
      // Over the budget: a ready-made answer, and the socket's messages come
      // one per turn; twice over: the socket is not read again until the
      // second ends (./hold-back.ts); far over it: the sender goes (what it
      // queued is dropped with it).
      if (verdict === "abuse") return cutOff(this);
      ack?.(RATE_LIMITED);
      slowDown(this);
      if (verdict === "hold") holdBack(this, o.limits.userMessages.untilNextSecond(counter));
      return;
    }
    // Own keys only: `"toString" in schemas` is true (inherited), and such an event would never be answered.
    if (Object.hasOwn(schemas, event)) return void onEvent(this, event as ClientEventName, args, ack);
    // Unknown events: answer with an error when the client asked for an ack.
    // Counted under one name: event names are the client's to choose, labels must stay few.
    refused("unknown", "invalid_payload", this.data.userId);
    ack?.(toAckError(new DialtoneError("invalid_payload", `Unknown event.`)));
  }
  function onDisconnecting(this: Sock): void {
    const callIds = [...this.rooms].filter((r) => r.startsWith("call:")).map((r) => r.slice(5));
    if (callIds.length > 0) calls.socketLeftCalls(this.data.userId, callIds);
  }
  function onDisconnect(this: Sock): void {
    const { userId } = this.data;
    budgets.detach(userId);
    admission.release(this);
    presenceChanged([userId]);
  }

  nsp.on("connection", (socket: Sock) => {
    if (!admission.admit(socket)) return;
    const { userId } = socket.data;
    socket.data.messages = budgets.attach(userId);
    // A user flooding now (an abuser's replacement socket) is read one message per turn from the start.
    if (o.limits.userMessages.isOver(socket.data.messages)) slowDown(socket);
    // Its contacts are read now (with the other connects of the moment, server/contacts/directory.ts):
    // the presence batch and the client's presence:list that follow find them.
    void directory.preload([userId]).catch(() => undefined);
    // Presence is recomputed from every node's sockets, so a second tab or a
    // tab on another node never flips it wrongly.
    presenceChanged([userId]);
    // One listener for every event, not one per event name.
    socket.onAny(onAnyEvent);
    socket.on("disconnecting", onDisconnecting);
    socket.on("disconnect", onDisconnect);
  });
}
