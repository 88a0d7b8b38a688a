"use client";
// Owns the signaling socket of this tab and the call state the UI shows:
// incoming rings, the outgoing ring, the active call. Pages below it use
// `useCalls()`. The WebRTC side lives in PeerSession, started for the active
// call by live-call.ts the moment the call becomes active.
import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { CallInfo, CallKind, IceServer, Payload, Presence, ServerToClientEvents } from "@/server/call/protocol";
import { historyLabel } from "@/server/call/state-machine";
import { connectSignaling, request, RequestError, type SignalingSocket } from "@/app/lib/signaling-client";
import { startLiveCall, type LiveCall } from "./live-call";
import { prefetchLocalMedia, releasePrefetchedMedia } from "./local-media";
import { startRingtone } from "./ringtone";

/** `generation` bumps when the other side comes back with a new peer connection (it reloaded): we start a new one too. */
export type ActiveCall = { call: CallInfo; role: "caller" | "callee"; iceServers: IceServer[]; generation?: number };
export type Outgoing = { call: CallInfo; outcome: string | null };
export type SignalMessage =
  | { type: "description"; payload: Payload<"signal:description"> }
  | { type: "candidate"; payload: Payload<"signal:candidate"> };

type CallsContext = {
  socket: SignalingSocket | null;
  connected: boolean;
  me: { id: string; name: string };
  presence: Record<string, Presence>;
  contactsVersion: number;
  historyVersion: number;
  incoming: CallInfo[];
  outgoing: Outgoing | null;
  active: ActiveCall | null;
  notice: string | null;
  /** The other participant's signaling connection dropped (the server's grace period runs). */
  peerAway: boolean;
  dismissNotice: () => void;
  startCall: (callee: { id: string; name: string }, kind: CallKind) => Promise<void>;
  cancelOutgoing: () => Promise<void>;
  closeOutgoing: () => void;
  accept: (callId: string) => Promise<void>;
  decline: (callId: string) => Promise<void>;
  hangUp: () => Promise<void>;
  /** The peer session and local media of the active call (made when the call became active). */
  liveCall: (callId: string, generation: number) => LiveCall | null;
};

const Ctx = createContext<CallsContext | null>(null);
const ACTIVE_KEY = "dialtone.activeCall";
/** The call this tab placed while it rings: a reload takes the ring back (call:rejoin). */
const OUTGOING_KEY = "dialtone.outgoingCall";
/** The longest the caller's call screen waits for its offer to go out. */
const OFFER_FIRST_MS = 100;
/** What came for a call before its invite ack (see `early` below). */
type EarlyEvents = { accepted?: Parameters<ServerToClientEvents["call:accepted"]>[0]; ended?: Parameters<ServerToClientEvents["call:ended"]>[0] };

export function useCalls(): CallsContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useCalls must be used inside <CallProvider>");
  return ctx;
}

export function CallProvider({ me, children }: { me: { id: string; name: string }; children: ReactNode }) {
  const [socket, setSocket] = useState<SignalingSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [presence, setPresence] = useState<Record<string, Presence>>({});
  const [contactsVersion, setContactsVersion] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);
  const [incoming, setIncoming] = useState<CallInfo[]>([]);
  const [outgoing, setOutgoing] = useState<Outgoing | null>(null);
  const [active, setActive] = useState<ActiveCall | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [peerAway, setPeerAway] = useState(false);
  const activeRef = useRef<ActiveCall | null>(null);
  const outgoingRef = useRef<Outgoing | null>(null);
  /** The call this tab accepted (its ring dialog stays until the answer is out): a second press is not a second accept. */
  const acceptingRef = useRef<string | null>(null);
  const signalBuffer = useRef(new Map<string, SignalMessage[]>());
  /**
   * `call:accepted` / `call:ended` of a call this tab is placing that came
   * before its invite ack (the server acks once the ring is written; a quick
   * enough callee can answer or decline first): kept for startCall to apply.
   */
  const early = useRef(new Map<string, EarlyEvents>());
  /** An invite of this tab's is waiting for its ack. */
  const placingRef = useRef(false);
  const keepEarly = useCallback((callId: string, event: EarlyEvents) => {
    if (early.current.size >= 10) early.current.clear();
    early.current.set(callId, { ...early.current.get(callId), ...event });
  }, []);
  const signalSubs = useRef(new Map<string, (m: SignalMessage) => void>());
  const socketRef = useRef<SignalingSocket | null>(null);
  const liveRef = useRef<LiveCall | null>(null);
  /**
   * The caller's live call, prepared while its call rings (held: offer made,
   * ICE gathered, nothing sent); it becomes the live call when the callee
   * accepts, and is stopped when the call ends unanswered (live-call.ts).
   */
  const warmRef = useRef<LiveCall | null>(null);
  /** Stop the prepared call (of `callId`, or any). */
  const dropWarm = useCallback((callId?: string) => {
    const warm = warmRef.current;
    if (warm && (callId === undefined || warm.callId === callId)) {
      warmRef.current = null;
      warm.stop();
    }
  }, []);
  useEffect(() => {
    activeRef.current = active;
  }, [active]);
  useEffect(() => {
    outgoingRef.current = outgoing;
  }, [outgoing]);

  /** Subscribe to the SDP/ICE messages of one call; messages that came earlier are replayed once. */
  const subscribeSignals = useCallback((callId: string, fn: (m: SignalMessage) => void) => {
    signalSubs.current.set(callId, fn);
    const buffered = signalBuffer.current.get(callId) ?? [];
    signalBuffer.current.delete(callId);
    for (const m of buffered) fn(m);
    return () => {
      if (signalSubs.current.get(callId) === fn) signalSubs.current.delete(callId);
    };
  }, []);

  /** Stop the live call if it is not `next`'s any more, and start `next`'s at once (before React renders it). */
  const syncLiveCall = useCallback(
    (next: ActiveCall | null) => {
      const live = liveRef.current;
      if (live && (!next || live.callId !== next.call.id || live.generation !== (next.generation ?? 0))) {
        live.stop();
        liveRef.current = null;
      }
      const socket = socketRef.current;
      if (next && !liveRef.current && socket) liveRef.current = startLiveCall(next, socket, subscribeSignals);
    },
    [subscribeSignals],
  );

  const liveCall = useCallback((callId: string, generation: number) => {
    const live = liveRef.current;
    return live && live.callId === callId && live.generation === generation ? live : null;
  }, []);

  /**
   * `afterOffer`: render the call screen only once this side's offer (the
   * caller) or answer (the callee) is out (at most OFFER_FIRST_MS): that
   * message is the next step of the call's set-up, and a render of the call
   * screen in the page's main thread first held it back (and the messages
   * it waited for). `onRender` runs in the same render (the callee's ring
   * dialog goes with it, so the screen is never empty in between).
   */
  const becomeActive = useCallback((next: ActiveCall | null, { afterOffer = false, onRender }: { afterOffer?: boolean; onRender?: () => void } = {}) => {
    activeRef.current = next;
    syncLiveCall(next);
    const callId = next?.call.id;
    const render = () => {
      // The call screen renders as a transition: React yields every few ms, so the
      // peer connection's callbacks and the offer/answer messages are not kept
      // waiting behind one long render while the call connects.
      startTransition(() => {
        // Ringing for this call ends with the call screen, not a frame before it.
        setOutgoing((o) => (o && o.call.id === callId ? null : o));
        onRender?.();
        if (activeRef.current !== next) return; // superseded while waiting
        setActive(next);
        setPeerAway(false);
      });
    };
    const live = liveRef.current;
    if (afterOffer && live) {
      let rendered = false;
      const once = () => {
        if (!rendered) render();
        rendered = true;
      };
      void live.offerSent.then(once);
      setTimeout(once, OFFER_FIRST_MS);
    } else render();
    remember(ACTIVE_KEY, next?.call.id ?? null);
  }, [syncLiveCall]);

  useEffect(() => {
    const s = connectSignaling();
    socketRef.current = s;
    const deliver = (callId: string, m: SignalMessage) => {
      const sub = signalSubs.current.get(callId);
      if (sub) sub(m);
      else {
        const buf = signalBuffer.current.get(callId) ?? [];
        if (buf.length < 200) buf.push(m);
        signalBuffer.current.set(callId, buf);
      }
    };
    s.on("connect", () => {
      setConnected(true);
      // Whatever changed while this tab was not connected (a contact request,
      // a missed call) was not pushed to it: refetch.
      setContactsVersion((v) => v + 1);
      setHistoryVersion((v) => v + 1);
      void (async () => {
        try {
          const state = await request(s, "session:sync", {});
          setIncoming(state.incoming);
          // The ring this tab placed (before a reload, or on a connection that
          // came back without its rooms) still rings: take it back, so the
          // answer reaches this tab and the Cancel button still works.
          const placed = outgoingRef.current?.outcome === null ? outgoingRef.current.call.id : stored(OUTGOING_KEY);
          if (placed && state.outgoing?.id === placed) {
            const res = await request(s, "call:rejoin", { callId: placed });
            if (!outgoingRef.current) {
              void prefetchLocalMedia(res.call.kind);
              const next: Outgoing = { call: res.call, outcome: null };
              outgoingRef.current = next;
              setOutgoing(next);
            }
          } else if (placed) {
            remember(OUTGOING_KEY, null);
            dropWarm(placed);
          }
          const mine = activeRef.current?.call.id ?? stored(ACTIVE_KEY);
          if (state.active && state.active.id === mine) {
            // Reload or reconnect of the tab that holds the call: take it back.
            // fresh: this tab has no peer connection for the call yet (a reload).
            const fresh = activeRef.current?.call.id !== state.active.id;
            const res = await request(s, "call:rejoin", { callId: state.active.id, fresh });
            const role = res.call.caller.id === me.id ? "caller" : "callee";
            if (activeRef.current?.call.id !== res.call.id) becomeActive({ call: res.call, role, iceServers: res.iceServers });
          } else if (activeRef.current && (!state.active || state.active.id !== activeRef.current.call.id)) {
            becomeActive(null);
            setNotice("The call ended while you were offline.");
          } else if (!state.active && mine) {
            becomeActive(null);
          }
          const pres = await request(s, "presence:list", {});
          setPresence(pres.presence);
        } catch {
          // shown as "offline" state; the next reconnect retries
        }
      })();
    });
    s.on("disconnect", () => setConnected(false));
    s.on("call:incoming", ({ call }) => setIncoming((list) => (list.some((c) => c.id === call.id) ? list : [...list, call])));
    s.on("call:answered-elsewhere", ({ callId }) => {
      setIncoming((list) => list.filter((c) => c.id !== callId));
      if (activeRef.current?.call.id === callId) {
        becomeActive(null);
        setNotice("The call continues on another device.");
      }
    });
    s.on("call:accepted", ({ call, iceServers }) => {
      if (outgoingRef.current?.call.id !== call.id) {
        if (placingRef.current) keepEarly(call.id, { accepted: { call, iceServers } });
        return;
      }
      outgoingRef.current = null;
      remember(OUTGOING_KEY, null);
      // The session prepared while it rang sends its offer now; without one
      // (a reload while ringing) becomeActive starts it.
      const warm = warmRef.current;
      warmRef.current = null;
      if (warm?.callId === call.id) {
        liveRef.current?.stop();
        liveRef.current = warm;
        warm.release();
      } else warm?.stop();
      becomeActive({ call, role: "caller", iceServers }, { afterOffer: true });
    });
    s.on("call:ended", (ended) => {
      const { call } = ended;
      if (placingRef.current && outgoingRef.current?.call.id !== call.id) keepEarly(call.id, { ended });
      setIncoming((list) => list.filter((c) => c.id !== call.id));
      dropWarm(call.id);
      signalBuffer.current.delete(call.id);
      setHistoryVersion((v) => v + 1);
      if (outgoingRef.current?.call.id === call.id) {
        releasePrefetchedMedia();
        remember(OUTGOING_KEY, null);
      }
      if (outgoingRef.current?.call.id === call.id && call.outcome === "cancelled") {
        // The caller cancelled it: nothing to tell them.
        outgoingRef.current = null;
        setOutgoing(null);
      } else if (outgoingRef.current?.call.id === call.id && call.outcome) {
        const next = { call, outcome: historyLabel(call.outcome, "caller") };
        outgoingRef.current = next;
        setOutgoing(next);
      }
      if (activeRef.current?.call.id === call.id) {
        becomeActive(null);
        setNotice(call.outcome === "failed" ? "The call was lost." : "Call ended.");
      }
    });
    s.on("call:peer-connection", ({ callId, connected: isConnected, fresh }) => {
      const current = activeRef.current;
      if (current?.call.id !== callId) return;
      setPeerAway(!isConnected);
      if (isConnected && fresh) {
        // The other side reloaded: its old peer connection is gone, so ours goes too.
        const next = { ...current, generation: (current.generation ?? 0) + 1 };
        activeRef.current = next;
        syncLiveCall(next);
        setActive(next);
      }
    });
    s.on("signal:description", (p) => deliver(p.callId, { type: "description", payload: p }));
    s.on("signal:candidate", (p) => deliver(p.callId, { type: "candidate", payload: p }));
    // Presence is never urgent (and changes exactly when a call starts).
    s.on("presence:update", ({ userId, presence: value }) => startTransition(() => setPresence((prev) => ({ ...prev, [userId]: value }))));
    s.on("contacts:changed", () => {
      setContactsVersion((v) => v + 1);
      void request(s, "presence:list", {})
        .then((res) => setPresence(res.presence))
        .catch(() => undefined);
    });
    s.connect();
    setSocket(s);
    return () => {
      dropWarm();
      liveRef.current?.stop();
      liveRef.current = null;
      socketRef.current = null;
      s.removeAllListeners();
      s.disconnect();
    };
  }, [me.id, becomeActive, syncLiveCall, dropWarm, keepEarly]);

  // Ring while any call is ringing for us and we are not already in one.
  const ringing = incoming.length > 0 && !active;
  useEffect(() => (ringing ? startRingtone() : undefined), [ringing]);

  // The outgoing outcome ("Declined", "No answer", "Busy") closes by itself.
  useEffect(() => {
    if (!outgoing?.outcome) return;
    const t = setTimeout(() => setOutgoing((o) => (o && o.outcome ? null : o)), 6000);
    return () => clearTimeout(t);
  }, [outgoing]);

  const fail = useCallback((err: unknown) => {
    setNotice(err instanceof RequestError ? err.message : "Something went wrong.");
  }, []);

  const value = useMemo<CallsContext>(
    () => ({
      socket,
      connected,
      me,
      presence,
      contactsVersion,
      historyVersion,
      incoming,
      outgoing,
      active,
      notice,
      peerAway,
      dismissNotice: () => setNotice(null),
      startCall: async (callee, kind) => {
        if (!socket) return;
        setNotice(null);
        // Camera and microphone start now: the caller sees their preview while it rings,
        // and the call connects sooner once answered.
        void prefetchLocalMedia(kind);
        early.current.clear();
        placingRef.current = true;
        try {
          const { call, iceServers } = await request(socket, "call:invite", { calleeId: callee.id, kind }).finally(() => (placingRef.current = false));
          if (call.status === "active" && call.callee.id === me.id) {
            // Glare: they rang us at the same moment; the server answered their call from this tab.
            setIncoming((list) => list.filter((c) => c.id !== call.id));
            becomeActive({ call, role: "callee", iceServers: iceServers ?? [] });
            return;
          }
          const next: Outgoing = {
            call,
            outcome: call.status === "ended" && call.outcome ? historyLabel(call.outcome, "caller") : null,
          };
          outgoingRef.current = next;
          setOutgoing(next);
          remember(OUTGOING_KEY, call.status === "ringing" ? call.id : null);
          // While it rings: the peer connection, the offer and ICE, ready to go
          // the moment the callee accepts (held until then: live-call.ts).
          if (call.status === "ringing" && iceServers && socketRef.current === socket) {
            dropWarm();
            warmRef.current = startLiveCall({ call, role: "caller", iceServers }, socket, subscribeSignals, { held: true });
          }
          if (call.status === "ended") {
            releasePrefetchedMedia();
            setHistoryVersion((v) => v + 1);
          }
          // Answered or declined before the ack was back: handle it now, as if it came now.
          const before = early.current.get(call.id);
          early.current.clear();
          if (before?.accepted) for (const fn of socket.listeners("call:accepted")) fn(before.accepted);
          if (before?.ended) for (const fn of socket.listeners("call:ended")) fn(before.ended);
        } catch (err) {
          releasePrefetchedMedia();
          fail(err);
        }
      },
      cancelOutgoing: async () => {
        const o = outgoingRef.current;
        if (!socket || !o) return;
        try {
          await request(socket, "call:cancel", { callId: o.call.id });
        } catch (err) {
          if (!(err instanceof RequestError && err.code === "invalid_state")) fail(err);
        }
      },
      closeOutgoing: () => {
        dropWarm(outgoingRef.current?.call.id);
        outgoingRef.current = null;
        setOutgoing(null);
      },
      accept: async (callId) => {
        if (!socket || acceptingRef.current === callId) return;
        acceptingRef.current = callId;
        const ringing = incoming.find((c) => c.id === callId);
        // getUserMedia runs while the accept request is on its way.
        if (ringing) void prefetchLocalMedia(ringing.kind);
        try {
          const res = await request(socket, "call:accept", { callId });
          becomeActive(
            { call: res.call, role: "callee", iceServers: res.iceServers },
            { afterOffer: true, onRender: () => setIncoming((list) => list.filter((c) => c.id !== callId)) },
          );
        } catch (err) {
          acceptingRef.current = null;
          releasePrefetchedMedia();
          setIncoming((list) => list.filter((c) => c.id !== callId));
          fail(err);
        }
      },
      decline: async (callId) => {
        setIncoming((list) => list.filter((c) => c.id !== callId));
        if (!socket) return;
        try {
          await request(socket, "call:decline", { callId });
        } catch (err) {
          if (!(err instanceof RequestError && err.code === "invalid_state")) fail(err);
        }
      },
      hangUp: async () => {
        const a = activeRef.current;
        if (!a) return;
        becomeActive(null);
        setHistoryVersion((v) => v + 1);
        if (!socket) return;
        try {
          await request(socket, "call:hangup", { callId: a.call.id });
        } catch {
          // already ended on the server: nothing to do
        }
      },
      liveCall,
    }),
    [socket, connected, me, presence, contactsVersion, historyVersion, incoming, outgoing, active, notice, peerAway, fail, becomeActive, liveCall, dropWarm, subscribeSignals],
  );

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** This tab's remembered call (sessionStorage: per tab, kept across a reload). */
function stored(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, callId: string | null): void {
  try {
    if (callId) sessionStorage.setItem(key, callId);
    else sessionStorage.removeItem(key);
  } catch {
    // storage unavailable: a reload will not take the call back
  }
}
