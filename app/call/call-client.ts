// The browser's call client: owns this tab's signaling socket and the call
// state the UI shows (rings in and out, the active call, its media), as one
// immutable snapshot that components read through useSyncExternalStore
// (use-calls.ts). Plain TypeScript, no React: every transition happens here,
// in the task the event arrived in, and a render is only a read.
//
// The WebRTC side lives in PeerSession, started for the active call by
// live-call.ts the moment the call becomes active; the caller's is prepared
// (held) while its call rings.
import type { CallInfo, CallKind, Presence, ServerToClientEvents } from "@/server/protocol/events";
import { historyLabel } from "@/server/call-domain/state-machine";
import { connectSignaling, request, RequestError, type SignalingSocket } from "@/app/lib/signaling-client";
import { CallVerification } from "./call-verification";
import { setRelayOnly } from "./ice-policy";
import { loadIdentityCertificate } from "./identity-certificate";
import type { CallServices } from "./call-services";
import { leaveEndedSession } from "@/app/lib/sign-out";
import { startLiveCall, type LiveCall } from "./live-call";
import { getLocalMedia, prefetchLocalMedia, releasePrefetchedMedia } from "./local-media";
import { PreparedAnswers } from "./prepared-answers";
import { remember, stored } from "./tab-memory";
import type { ActiveCall, CallSnapshot, EarlyEvents, EndedCall, MediaSnapshot, MediaState, Notice, NoticeKey, Outgoing, SignalMessage } from "./types";

/** This tab's call in progress: a reload takes it back (call:rejoin). */
const ACTIVE_KEY = "dialtone.activeCall";
/** The call this tab placed while it rings: a reload takes the ring back (call:rejoin). */
const OUTGOING_KEY = "dialtone.outgoingCall";
/** The longest the call screen waits for this side's offer or answer to go out. */
const OFFER_FIRST_MS = 100;
/** The longest the caller's call screen waits, after its offer, for the connection. */
const CONNECTED_FIRST_MS = 300;
/** How long an unanswered outcome ("Declined", "No answer", "Busy") stays up. */
const OUTCOME_MS = 6_000;
/** How long the end-of-call sheet stays up unless dismissed. */
const ENDED_MS = 8_000;

const BOTH_ON: MediaState = { audio: true, video: true };

const INITIAL: CallSnapshot = {
  connected: false,
  everConnected: false,
  presence: {},
  contactsVersion: 0,
  historyVersion: 0,
  incoming: [],
  outgoing: null,
  active: null,
  peerAway: false,
  ended: null,
  notices: [],
};

const NO_MEDIA: MediaSnapshot = {
  peerState: "connecting",
  localStream: null,
  remoteStream: null,
  mediaProblem: null,
  localMedia: BOTH_ON,
  remoteMedia: BOTH_ON,
  services: null,
  tools: { sharing: false, cameraAdded: false, remoteScreen: null, deviceNotice: null },
};

/** The signed-in user; `hideIp`: their calls use TURN relays only (server/privacy.ts). */
export type Me = { id: string; name: string; hideIp?: boolean };

export class CallClient {
  private snap: CallSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private media: MediaSnapshot = NO_MEDIA;
  private readonly mediaListeners = new Set<() => void>();
  private socket: SignalingSocket | null = null;
  /** The call this tab is in, ahead of the snapshot's `active` (which waits for the offer, see becomeActive). */
  private current: ActiveCall | null = null;
  /** The call this tab placed (mirrors snap.outgoing, but updated in the same task). */
  private placed: Outgoing | null = null;
  /** The call this tab accepted (its ring dialog stays until the answer is out): a second press is not a second accept. */
  private accepting: string | null = null;
  /** An invite of this tab's is waiting for its ack. */
  private placing = false;
  /** `call:accepted` / `call:ended` of a call this tab is placing that came before its invite ack. */
  private readonly early = new Map<string, EarlyEvents>();
  private readonly signalBuffer = new Map<string, SignalMessage[]>();
  private readonly signalSubs = new Map<string, (m: SignalMessage) => void>();
  private live: LiveCall | null = null;
  /** The active call's chat and quality sampler (call-services.ts), started and stopped with `live`. */
  private services: CallServices | null = null;
  /** The caller's live call, prepared while its call rings (held: offer made, ICE gathered, nothing sent). */
  private warm: LiveCall | null = null;
  /** The callee's answers prepared while its calls ring (prepared-answers.ts). */
  private readonly answers = new PreparedAnswers(
    () => this.socket,
    (callId, fn) => this.subscribeSignals(callId, fn),
    (callId) => (this.accepting === callId || this.current ? null : (this.snap.incoming.find((c) => c.id === callId) ?? null)),
  );
  private offLive: (() => void) | null = null;
  private outcomeTimer: ReturnType<typeof setTimeout> | undefined;
  private endedTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeSeq = 0;
  /** When this call's set-up started for this side (Accept), until its first frame is reported. */
  private setupFrom: { callId: string; at: number } | null = null;

  /** The active call's verification code and trust (call-verification.ts). */
  readonly verification: CallVerification;

  private self: Me;

  constructor(me: Me) {
    this.self = me;
    this.verification = new CallVerification(me.id);
    setRelayOnly(me.hideIp ?? false);
  }

  /** The signed-in user. */
  get me(): Me {
    return this.self;
  }

  /** The user's display name changed (the account page): the header and whatever reads `me` follow. */
  rename(name: string): void {
    if (name === this.self.name) return;
    this.self = { ...this.self, name };
    this.set({});
  }

  /**
   * The call screen shows the other side's first frame: report the time
   * since Accept (pressed here, or heard of by the caller) once per call, for
   * the server's set-up time histogram (POST /api/calls/{id}/setup-time).
   */
  reportFirstFrame(callId: string): void {
    const from = this.setupFrom;
    if (from?.callId !== callId) return;
    this.setupFrom = null;
    const ms = Math.round(performance.now() - from.at);
    if (ms > 120_000) return;
    if (this.services?.callId === callId) this.services.recorder.firstFrame(ms);
    void reportCall(callId, "setup-time", { ms }).catch(() => undefined);
  }

  /** The signaling connection's round trip (a presence:list ack), in ms; null when not connected. */
  async pingSignaling(): Promise<number | null> {
    const socket = this.socket;
    if (!socket?.connected) return null;
    const t0 = performance.now();
    try {
      await request(socket, "presence:list", {}, 5_000);
      return performance.now() - t0;
    } catch {
      return null;
    }
  }

  /** "Hide my IP address" changed: calls from now on (prepared ones included) follow it. */
  setHideIp(on: boolean): void {
    setRelayOnly(on);
  }

  // ---- reading -------------------------------------------------------------

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  readonly getSnapshot = (): CallSnapshot => this.snap;

  readonly subscribeMedia = (fn: () => void): (() => void) => {
    this.mediaListeners.add(fn);
    return () => this.mediaListeners.delete(fn);
  };

  readonly getMediaSnapshot = (): MediaSnapshot => this.media;

  /** The peer session and local media of the active call. */
  liveCall(): LiveCall | null {
    return this.live;
  }

  // ---- lifecycle -----------------------------------------------------------

  /** Connect the socket (idempotent per start/stop pair); returns stop. */
  start(): () => void {
    if (this.socket) return () => this.stop();
    // Before any call's peer connection: this browser's DTLS identity.
    void loadIdentityCertificate();
    const s = connectSignaling();
    this.socket = s;
    this.bind(s);
    s.connect();
    return () => this.stop();
  }

  stop(): void {
    this.dropWarm();
    this.answers.dropAll();
    this.setLive(null);
    this.current = null;
    clearTimeout(this.outcomeTimer);
    clearTimeout(this.endedTimer);
    const s = this.socket;
    this.socket = null;
    s?.removeAllListeners();
    s?.disconnect();
    this.set({ ...INITIAL, presence: this.snap.presence });
    this.setMedia(NO_MEDIA);
  }

  // ---- actions -------------------------------------------------------------

  async startCall(callee: { id: string; name: string }, kind: CallKind): Promise<void> {
    const socket = this.socket;
    // Never queue a call: an invite emitted on a socket that is down would go out when it comes back.
    if (!socket || !socket.connected) {
      this.notify("offline", "error");
      return;
    }
    if (this.snap.ended) this.set({ ended: null });
    // Camera and microphone start now: the caller sees their preview while it rings,
    // and the call connects sooner once answered.
    void prefetchLocalMedia(kind);
    this.early.clear();
    this.placing = true;
    try {
      const { call, iceServers } = await request(socket, "call:invite", { calleeId: callee.id, kind }).finally(() => (this.placing = false));
      if (call.status === "active" && call.callee.id === this.me.id) {
        // Glare: they rang us at the same moment; the server answered their call from this tab.
        this.set({ incoming: this.snap.incoming.filter((c) => c.id !== call.id) });
        this.becomeActive({ call, role: "callee", iceServers: iceServers ?? [] });
        return;
      }
      this.setOutgoing({ call, outcome: call.status === "ended" && call.outcome ? historyLabel(call.outcome, "caller") : null });
      remember(OUTGOING_KEY, call.status === "ringing" ? call.id : null);
      // While it rings: the peer connection, the offer and ICE, ready to go
      // the moment the callee accepts (held until then: live-call.ts).
      if (call.status === "ringing" && iceServers && this.socket === socket) {
        this.dropWarm();
        this.warm = startLiveCall({ call, role: "caller", iceServers }, socket, this.subscribeSignals, { earlyOffer: true });
      }
      if (call.status === "ended") {
        releasePrefetchedMedia();
        this.bumpHistory();
      }
      // Answered or declined before the ack was back: handle it now, as if it came now.
      const before = this.early.get(call.id);
      this.early.clear();
      if (before?.accepted) this.onAccepted(before.accepted);
      if (before?.ended) this.onEnded(before.ended);
    } catch (err) {
      releasePrefetchedMedia();
      this.fail(err);
    }
  }

  async cancelOutgoing(): Promise<void> {
    const o = this.placed;
    if (!this.socket || !o) return;
    try {
      await request(this.socket, "call:cancel", { callId: o.call.id });
    } catch (err) {
      if (!(err instanceof RequestError && err.code === "invalid_state")) this.fail(err);
    }
  }

  closeOutgoing(): void {
    this.dropWarm(this.placed?.call.id);
    this.setOutgoing(null);
  }

  async accept(callId: string, { audioOnly = false }: { audioOnly?: boolean } = {}): Promise<void> {
    const socket = this.socket;
    if (!socket || this.accepting === callId) return;
    this.accepting = callId;
    this.setupFrom = { callId, at: performance.now() };
    const ringing = this.snap.incoming.find((c) => c.id === callId);
    const kind: CallKind = audioOnly ? "audio" : (ringing?.kind ?? "video");
    // getUserMedia runs while the accept request is on its way.
    if (ringing) void prefetchLocalMedia(kind);
    if (this.snap.ended) this.set({ ended: null });
    // The answer prepared while it rang goes with the accept (live-call.ts).
    // It offered to send what the call's kind has: answered with audio only,
    // a video call starts over the ordinary way.
    let prepared = this.answers.take(callId);
    if (prepared && kind !== ringing?.kind) prepared = dropLive(prepared);
    prepared?.startMedia();
    const answer = prepared ? await prepared.takeAnswer() : null;
    if (prepared && !answer) prepared = dropLive(prepared);
    try {
      const res = await request(socket, "call:accept", answer ? { callId, answer } : { callId });
      if (prepared) {
        this.setLive(prepared);
        prepared.release();
      }
      this.becomeActive(
        { call: res.call, role: "callee", iceServers: res.iceServers, audioOnly: audioOnly && res.call.kind === "video" },
        { afterOffer: true, onRender: () => ({ incoming: this.snap.incoming.filter((c) => c.id !== callId) }) },
      );
    } catch (err) {
      this.accepting = null;
      if (prepared && this.live !== prepared) prepared.stop();
      releasePrefetchedMedia();
      this.set({ incoming: this.snap.incoming.filter((c) => c.id !== callId) });
      this.fail(err);
    }
  }

  async decline(callId: string): Promise<void> {
    this.answers.drop(callId);
    this.set({ incoming: this.snap.incoming.filter((c) => c.id !== callId) });
    if (!this.socket) return;
    try {
      await request(this.socket, "call:decline", { callId });
    } catch (err) {
      if (!(err instanceof RequestError && err.code === "invalid_state")) this.fail(err);
    }
  }

  async hangUp(): Promise<void> {
    const a = this.current;
    if (!a) return;
    this.finish(a.call, "me");
    this.bumpHistory();
    if (!this.socket) return;
    try {
      await request(this.socket, "call:hangup", { callId: a.call.id });
    } catch {
      // already ended on the server: nothing to do
    }
  }

  /** Mute / unmute the microphone or turn the camera off / on; the other side is told. */
  setLocalMedia(kind: "audio" | "video", on: boolean): void {
    const live = this.live;
    // A voice call turns into video (and back): the camera opens or closes (media-tools.ts).
    if (kind === "video" && live && this.current?.call.kind === "audio") {
      void live.tools.setCamera(on).then((isOn) => {
        if (this.live !== live) return;
        this.setMedia({ localMedia: { ...this.media.localMedia, video: isOn } });
        this.sendMediaState();
      });
      return;
    }
    live?.session.setTrackEnabled(kind, on);
    this.setMedia({ localMedia: { ...this.media.localMedia, [kind]: on } });
    this.sendMediaState();
  }

  /** Ask for the camera / microphone again (after the person allowed them in the browser). */
  async retryMedia(): Promise<void> {
    const live = this.live;
    const a = this.current;
    if (!live || !a) return;
    const { stream, problem } = await getLocalMedia(a.audioOnly ? "audio" : a.call.kind);
    if (this.live !== live) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    if (stream) await live.session.addLocalTracks(stream);
    const merged = live.session.getLocalStream();
    this.setMedia({
      localStream: merged ? new MediaStream(merged.getTracks()) : null,
      mediaProblem: problem,
      localMedia: { audio: Boolean(merged?.getAudioTracks().length), video: Boolean(merged?.getVideoTracks().length) },
    });
    if (problem) this.notify("mediaStillBlocked", "error");
    this.sendMediaState();
  }

  dismissEnded(): void {
    clearTimeout(this.endedTimer);
    this.set({ ended: null });
  }

  /** The UI has shown this notice. */
  takeNotice(id: number): void {
    this.set({ notices: this.snap.notices.filter((n) => n.id !== id) });
  }

  // ---- the socket ------------------------------------------------------------

  private bind(s: SignalingSocket): void {
    s.on("connect", () => this.onConnect(s));
    s.on("disconnect", () => this.set({ connected: false }));
    // This browser's session ended (signed out from the account page of
    // another device, a new password, the account deleted): the server closes
    // the connection next. A handshake refused as unauthorized means the same
    // (the session ended while this tab was not connected).
    s.on("session:ended", () => this.sessionEnded());
    s.on("connect_error", (err) => {
      if (err.message === "unauthorized") this.sessionEnded();
    });
    s.on("call:incoming", ({ call }) => {
      // On glare the ring can come after this tab's own invite already answered it.
      if (this.current?.call.id === call.id) return;
      if (!this.snap.incoming.some((c) => c.id === call.id)) this.set({ incoming: [...this.snap.incoming, call] });
      this.answers.ring(call.id);
    });
    s.on("call:offer", (p) => this.answers.offer(p));
    s.on("call:answered-elsewhere", ({ callId }) => {
      this.answers.drop(callId);
      this.set({ incoming: this.snap.incoming.filter((c) => c.id !== callId) });
      if (this.current?.call.id === callId) {
        this.finish(this.current.call, "elsewhere");
        this.notify("continuesElsewhere");
      }
    });
    s.on("call:accepted", (p) => this.onAccepted(p));
    s.on("call:ended", (p) => this.onEnded(p));
    s.on("call:peer-connection", ({ callId, connected, fresh }) => {
      const current = this.current;
      if (current?.call.id !== callId) return;
      this.set({ peerAway: !connected });
      if (connected && fresh) {
        // The other side reloaded: its old peer connection is gone, so ours goes too.
        const next = { ...current, generation: (current.generation ?? 0) + 1 };
        this.current = next;
        this.syncLive(next);
        this.set({ active: next });
      }
      // It came back: tell it our switches again (it may have reloaded and forgotten them).
      if (connected) this.sendMediaState();
    });
    s.on("call:media-state", ({ callId, audio, video }) => {
      if (this.current?.call.id === callId) this.setMedia({ remoteMedia: { audio, video } });
    });
    s.on("call:screen-share", ({ callId, mid }) => {
      if (this.current?.call.id === callId) this.live?.tools.setRemoteScreen(mid);
    });
    s.on("signal:description", (p) => this.deliver(p.callId, { type: "description", payload: p }));
    s.on("signal:candidate", (p) => this.deliver(p.callId, { type: "candidate", payload: p }));
    s.on("presence:update", ({ userId, presence }) => {
      for (const pending of this.presenceListing) pending[userId] = presence;
      this.set({ presence: { ...this.snap.presence, [userId]: presence } });
    });
    // Renamed in another tab or on another device (this tab's own rename comes through rename()).
    s.on("account:renamed", ({ name }) => this.rename(name));
    s.on("contacts:changed", () => {
      this.set({ contactsVersion: this.snap.contactsVersion + 1 });
      void this.listPresence(s).catch(() => undefined);
    });
  }

  /** Updates pushed while a presence:list is answered, one record per request in flight. */
  private presenceListing = new Set<Record<string, Presence>>();

  /**
   * Everyone's presence from presence:list, with the updates pushed while it
   * was answered laid over it: the answer was made before them (in a
   * reconnect storm a contact comes back meanwhile), and would undo them.
   */
  private async listPresence(s: SignalingSocket): Promise<void> {
    const since: Record<string, Presence> = {};
    this.presenceListing.add(since);
    try {
      const res = await request(s, "presence:list", {});
      this.set({ presence: { ...res.presence, ...since } });
    } finally {
      this.presenceListing.delete(since);
    }
  }

  private sessionEnded(): void {
    this.stop();
    void leaveEndedSession();
  }

  private onConnect(s: SignalingSocket): void {
    // Whatever changed while this tab was not connected (a contact request,
    // a missed call) was not pushed to it: refetch.
    this.set({
      connected: true,
      everConnected: true,
      contactsVersion: this.snap.contactsVersion + 1,
      historyVersion: this.snap.historyVersion + 1,
    });
    void (async () => {
      try {
        const state = await request(s, "session:sync", {});
        this.set({ incoming: state.incoming });
        // The ring this tab placed (before a reload, or on a connection that
        // came back without its rooms) still rings: take it back, so the
        // answer reaches this tab and the Cancel button still works.
        const placed = this.placed?.outcome === null ? this.placed.call.id : stored(OUTGOING_KEY);
        if (placed && state.outgoing?.id === placed) {
          const res = await request(s, "call:rejoin", { callId: placed });
          if (!this.placed) {
            void prefetchLocalMedia(res.call.kind);
            this.setOutgoing({ call: res.call, outcome: null });
          }
        } else if (placed) {
          remember(OUTGOING_KEY, null);
          this.dropWarm(placed);
        }
        const mine = this.current?.call.id ?? stored(ACTIVE_KEY);
        if (state.active && state.active.id === mine) {
          // Reload or reconnect of the tab that holds the call: take it back.
          // fresh: this tab has no peer connection for the call yet (a reload).
          const fresh = this.current?.call.id !== state.active.id;
          const res = await request(s, "call:rejoin", { callId: state.active.id, fresh });
          const role = res.call.caller.id === this.me.id ? "caller" : "callee";
          if (this.current?.call.id !== res.call.id) this.becomeActive({ call: res.call, role, iceServers: res.iceServers });
          else this.sendMediaState();
        } else if (this.current && (!state.active || state.active.id !== this.current.call.id)) {
          this.finish(this.current.call, "lost");
          this.notify("endedWhileOffline");
        } else if (!state.active && mine) {
          this.becomeActive(null);
        }
        await this.listPresence(s);
      } catch {
        // shown as "offline" state; the next reconnect retries
      }
    })();
  }

  private onAccepted({ call, iceServers, answer }: Parameters<ServerToClientEvents["call:accepted"]>[0]): void {
    this.setupFrom = { callId: call.id, at: performance.now() };
    if (this.placed?.call.id !== call.id) {
      if (this.placing) this.keepEarly(call.id, { accepted: { call, iceServers, answer } });
      return;
    }
    this.placed = null;
    remember(OUTGOING_KEY, null);
    // The session prepared while it rang takes the callee's prepared answer
    // and sends its candidates now (or, when the callee answered without one,
    // its offer too); without one (a reload while ringing) becomeActive starts it.
    const warm = this.warm;
    this.warm = null;
    if (warm?.callId === call.id) {
      this.setLive(warm);
      warm.release(answer);
    } else {
      warm?.stop();
      const socket = this.socket;
      if (answer && socket) {
        // The callee answered an offer this tab no longer has (it reloaded
        // while it rang): both sides start over, as after a reload mid-call.
        // The new offer waits until the callee has heard so.
        const live = startLiveCall({ call, role: "caller", iceServers }, socket, this.subscribeSignals, { held: true });
        this.setLive(live);
        void request(socket, "call:rejoin", { callId: call.id, fresh: true })
          .catch(() => undefined)
          .finally(() => live.release());
      }
    }
    this.becomeActive({ call, role: "caller", iceServers }, { afterOffer: true });
  }

  private onEnded(ended: Parameters<ServerToClientEvents["call:ended"]>[0]): void {
    const { call } = ended;
    if (this.placing && this.placed?.call.id !== call.id) this.keepEarly(call.id, { ended });
    const wasIncoming = this.snap.incoming.some((c) => c.id === call.id);
    this.set({ incoming: this.snap.incoming.filter((c) => c.id !== call.id) });
    this.dropWarm(call.id);
    this.answers.drop(call.id);
    this.signalBuffer.delete(call.id);
    this.bumpHistory();
    // A ring that stopped unanswered on this device leaves a trace.
    if (wasIncoming && call.outcome === "missed") this.notify("missedFrom", "info", { name: call.caller.name });
    if (this.placed?.call.id === call.id) {
      releasePrefetchedMedia();
      remember(OUTGOING_KEY, null);
      // The caller cancelled it: nothing to tell them.
      if (call.outcome === "cancelled") this.setOutgoing(null);
      else if (call.outcome) this.setOutgoing({ call, outcome: historyLabel(call.outcome, "caller") });
    }
    if (this.current?.call.id === call.id) this.finish(call, call.outcome === "failed" ? "lost" : "them");
  }

  /** Subscribe to the SDP/ICE messages of one call; messages that came earlier are replayed once. */
  private readonly subscribeSignals = (callId: string, fn: (m: SignalMessage) => void): (() => void) => {
    this.signalSubs.set(callId, fn);
    const buffered = this.signalBuffer.get(callId) ?? [];
    this.signalBuffer.delete(callId);
    for (const m of buffered) fn(m);
    return () => {
      if (this.signalSubs.get(callId) === fn) this.signalSubs.delete(callId);
    };
  };

  private deliver(callId: string, m: SignalMessage): void {
    const sub = this.signalSubs.get(callId);
    if (sub) return sub(m);
    const buf = this.signalBuffer.get(callId) ?? [];
    if (buf.length < 200) buf.push(m);
    this.signalBuffer.set(callId, buf);
  }

  private keepEarly(callId: string, event: EarlyEvents): void {
    if (this.early.size >= 10) this.early.clear();
    this.early.set(callId, { ...this.early.get(callId), ...event });
  }

  // ---- the active call -----------------------------------------------------------

  /**
   * `afterOffer`: show the call screen only once the connection is up (at
   * most CONNECTED_FIRST_MS after this side's offer or answer went out): that
   * message is the next step of the call's set-up, and a render of the call
   * screen in the page's main thread first held it back (and the messages
   * it waited for). `onRender` adds to the same snapshot change (the
   * callee's ring dialog goes with it, so the screen is never empty in between).
   */
  private becomeActive(next: ActiveCall | null, { afterOffer = false, onRender }: { afterOffer?: boolean; onRender?: () => Partial<CallSnapshot> } = {}): void {
    this.current = next;
    // An answer prepared for this call that Accept did not take (glare, a rejoin) is not the one in use.
    if (next) this.answers.drop(next.call.id);
    if (next) this.accepting = null;
    this.syncLive(next);
    const callId = next?.call.id;
    const render = () => {
      if (this.current !== next) return; // superseded while waiting
      // Ringing for this call ends with the call screen, not a frame before it.
      if (this.placed && this.placed.call.id === callId) this.placed = null;
      const outgoing = this.snap.outgoing && this.snap.outgoing.call.id === callId ? null : this.snap.outgoing;
      this.set({ outgoing, ...onRender?.(), active: next, peerAway: false });
    };
    const live = this.live;
    if (afterOffer && live) {
      let rendered = false;
      const once = () => {
        if (!rendered) render();
        rendered = true;
      };
      // Both sides' screens wait for the connection (at most CONNECTED_FIRST_MS
      // after this side's offer or answer went out), so that mounting the call
      // screen does not hold back the other side's answer and candidates on
      // their way in: the caller's (B2: callee 1.53x -> 1.38x the bare pair),
      // and the callee's, whose answer went with Accept (a trace of the callee's
      // page: the call screen's render and first paint, ~70 ms, kept the
      // caller's candidates out of its peer connection until 115 ms after
      // Accept). Meanwhile the ring dialog says it is connecting.
      const off = live.session.on("state", (state) => {
        if (state === "connected") once();
      });
      void live.offerSent.then(() => setTimeout(once, CONNECTED_FIRST_MS));
      setTimeout(() => {
        off();
        // A callee whose answer is not out in time shows its screen anyway.
        if (next?.role === "callee") once();
      }, OFFER_FIRST_MS + CONNECTED_FIRST_MS);
    } else if (next) render();
    else this.set({ active: null, peerAway: false });
    remember(ACTIVE_KEY, next?.call.id ?? null);
  }

  /** The active call is over on this tab: the call screen gives way to the end-of-call sheet. */
  private finish(call: CallInfo, endedBy: EndedCall["endedBy"]): void {
    const answeredAt = this.current?.call.answeredAt ?? call.answeredAt;
    const end = call.endedAt ? new Date(call.endedAt).getTime() : Date.now();
    const seconds = answeredAt ? Math.max(0, Math.round((end - new Date(answeredAt).getTime()) / 1000)) : 0;
    const quality = this.recordQuality(call.id, endedBy, answeredAt ? end - new Date(answeredAt).getTime() : 0);
    this.becomeActive(null);
    clearTimeout(this.endedTimer);
    this.set({ ended: { call, endedBy, seconds, quality } });
    this.endedTimer = setTimeout(() => this.set({ ended: null }), ENDED_MS);
  }

  /**
   * Sum up the call's quality record (quality-recorder.ts) before its services
   * stop, and send it once (POST /api/calls/{id}/quality): not when another
   * tab took the call over (that tab sends it), nor for a call never answered.
   */
  private recordQuality(callId: string, endedBy: EndedCall["endedBy"], answeredForMs: number): EndedCall["quality"] {
    const services = this.services;
    if (services?.callId !== callId || endedBy === "elsewhere") return null;
    const summary = services.recorder.finish({ endedBy, mediaDenied: this.media.mediaProblem === "allDenied", answeredForMs });
    if (answeredForMs > 0) {
      // The history (if open) shows the new record's badge.
      void reportCall(callId, "quality", summary.record)
        .then(() => this.bumpHistory())
        .catch(() => undefined);
    }
    return summary;
  }

  /** Stop the live call if it is not `next`'s any more, and start `next`'s at once (before React renders it). */
  private syncLive(next: ActiveCall | null): void {
    const live = this.live;
    if (live && (!next || live.callId !== next.call.id || live.generation !== (next.generation ?? 0))) this.setLive(null);
    const socket = this.socket;
    if (next && !this.live && socket) this.setLive(startLiveCall(next, socket, this.subscribeSignals));
  }

  /** Make `live` the active call's session and mirror its state into the snapshot. */
  private setLive(live: LiveCall | null): void {
    if (this.live === live) return;
    this.offLive?.();
    this.offLive = null;
    this.live?.stop();
    this.live = live;
    this.verification.track(live?.session ?? null, live?.peerId ?? null);
    if (!live) {
      // The call is over (or this tab left it): stop the services and let the chat go.
      this.services?.stop();
      this.services?.chat.close();
      this.services = null;
      this.setMedia(NO_MEDIA);
      return;
    }
    // Chat and quality are fetched with the first call (page weight): a moment after the session, well before it connects.
    void import("./call-services").then(({ startCallServices }) => {
      if (this.live !== live) return;
      this.services = startCallServices(live.callId, live.session, this.services);
      this.setMedia({ services: this.services });
    });
    const s = live.session;
    const offState = s.on("state", (peerState) => {
      if (peerState !== "closed" && this.live === live) this.setMedia({ peerState });
    });
    const offRemote = s.on("remote-stream", (remoteStream) => {
      if (this.live === live) this.setMedia({ remoteStream: live.tools.remoteCamera(remoteStream) });
      live.tools.changed();
    });
    // Device switches, screen share, a camera turned on: new tracks to show.
    const offTools = live.tools.subscribe(() => {
      if (this.live !== live) return;
      const local = s.getLocalStream();
      this.setMedia({ tools: live.tools.view(), localStream: local ? new MediaStream(local.getTracks()) : null, remoteStream: live.tools.remoteCamera(s.remoteStream) });
    });
    let cancelled = false;
    void live.media.then(({ stream, problem }) => {
      if (cancelled || this.live !== live) return;
      const localMedia = { audio: Boolean(stream?.getAudioTracks().length), video: Boolean(stream?.getVideoTracks().length) };
      this.setMedia({ localStream: stream, mediaProblem: problem, localMedia });
      this.sendMediaState();
    });
    this.offLive = () => {
      cancelled = true;
      offState();
      offRemote();
      offTools();
    };
    const state = s.getState();
    const remote = s.remoteStream.getTracks();
    this.setMedia({
      ...NO_MEDIA,
      services: this.services,
      peerState: state === "closed" ? "connecting" : state,
      remoteStream: remote.length ? new MediaStream(remote) : null,
    });
  }

  /** Tell the other side which of our tracks are live (their tile shows a muted mark or our avatar). */
  private sendMediaState(): void {
    const a = this.current;
    const socket = this.socket;
    if (!a || !socket?.connected) return;
    const { audio, video } = this.media.localMedia;
    void request(socket, "call:media-state", { callId: a.call.id, audio, video }).catch(() => undefined);
    const screen = this.live?.tools.screenMid();
    if (screen) void request(socket, "call:screen-share", { callId: a.call.id, mid: screen }).catch(() => undefined);
  }

  /** Stop the prepared call (of `callId`, or any). */
  private dropWarm(callId?: string): void {
    const warm = this.warm;
    if (warm && (callId === undefined || warm.callId === callId)) {
      this.warm = null;
      warm.stop();
    }
  }

  // ---- state -------------------------------------------------------------------

  private setOutgoing(next: Outgoing | null): void {
    this.placed = next;
    clearTimeout(this.outcomeTimer);
    this.set({ outgoing: next });
    // The outgoing outcome ("Declined", "No answer", "Busy") closes by itself.
    if (next?.outcome) {
      this.outcomeTimer = setTimeout(() => {
        if (this.placed === next) this.closeOutgoing();
      }, OUTCOME_MS);
    }
  }

  private bumpHistory(): void {
    this.set({ historyVersion: this.snap.historyVersion + 1 });
  }

  private notify(key: NoticeKey, tone: "info" | "error" = "info", values?: Record<string, string>): void {
    this.push({ id: ++this.noticeSeq, kind: "message", key, tone, values });
  }

  private fail(err: unknown): void {
    if (err instanceof RequestError) this.push({ id: ++this.noticeSeq, kind: "error", code: err.code, message: err.message });
    else this.notify("unknownError", "error");
  }

  private push(notice: Notice): void {
    this.set({ notices: [...this.snap.notices.slice(-4), notice] });
  }

  private set(patch: Partial<CallSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  private setMedia(patch: Partial<MediaSnapshot>): void {
    this.media = { ...this.media, ...patch };
    for (const fn of this.mediaListeners) fn();
  }
}

/** Close a prepared call that will not be used; null, to assign. */
function dropLive(live: LiveCall): null {
  live.stop();
  return null;
}

/** A participant's report about a call (POST /api/calls/{id}/{what}); `keepalive`: it still goes if the page is closing. */
function reportCall(callId: string, what: "setup-time" | "quality", body: unknown): Promise<Response> {
  return fetch(`/api/calls/${encodeURIComponent(callId)}/${what}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    keepalive: true,
  });
}
