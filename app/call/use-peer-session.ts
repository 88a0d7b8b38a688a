"use client";
// A thin hook over PeerSession: creates it for the active call, feeds it the
// call's signaling messages, gets local media, and exposes what the screen shows.
import { useEffect, useRef, useState } from "react";
import { request } from "@/app/lib/signaling-client";
import type { ActiveCall } from "./call-provider";
import { useCalls } from "./call-provider";
import { takeLocalMedia, type MediaProblem } from "./local-media";
import { PeerSession, type PeerState } from "./peer-session";


export function usePeerSession(active: ActiveCall) {
  const { socket, subscribeSignals } = useCalls();
  const sessionRef = useRef<PeerSession | null>(null);
  const [state, setState] = useState<PeerState>("connecting");
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [mediaProblem, setMediaProblem] = useState<MediaProblem>(null);
  const callId = active.call.id;
  const kind = active.call.kind;
  // A new generation (the other side reloaded) means a new peer connection.

  useEffect(() => {
    if (!socket) return;
    const kinds: ("audio" | "video")[] = kind === "video" ? ["audio", "video"] : ["audio"];
    const s = new PeerSession({
      polite: active.role === "callee",
      iceServers: active.iceServers,
      iceTransportPolicy: iceTransportPolicy(),
      kinds,
      sendDescription: (description) => void request(socket, "signal:description", { callId, description }).catch(() => undefined),
      sendCandidate: (candidate) => void request(socket, "signal:candidate", { callId, candidate }).catch(() => undefined),
    });
    const offState = s.on("state", setState);
    const offRemote = s.on("remote-stream", (stream) => setRemoteStream(stream));
    const offSignals = subscribeSignals(callId, (m) => {
      if (m.type === "description") void s.handleDescription(m.payload.description);
      else if (m.payload.candidate) void s.handleCandidate(m.payload.candidate);
    });
    let cancelled = false;
    void takeLocalMedia(kind).then(({ stream, problem }) => {
      if (cancelled) {
        stream?.getTracks().forEach((t) => t.stop());
        return;
      }
      setLocalStream(stream);
      setMediaProblem(problem);
      void s.setLocalStream(stream);
    });
    sessionRef.current = s;
    queueMicrotask(() => setState(s.getState()));
    return () => {
      cancelled = true;
      offState();
      offRemote();
      offSignals();
      s.close();
      sessionRef.current = null;
      setLocalStream(null);
    };
    // The session lives exactly as long as this call.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [callId, socket, active.generation]);

  return { sessionRef, state, localStream, remoteStream, mediaProblem };
}

/** Test and diagnostics hook: `?ice=relay` forces TURN relay (used by the TURN e2e). */
function iceTransportPolicy(): RTCIceTransportPolicy {
  if (typeof window === "undefined") return "all";
  return (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy ?? "all";
}
