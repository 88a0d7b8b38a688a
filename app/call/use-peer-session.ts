"use client";
// A thin hook over the active call's PeerSession (made by CallProvider when the
// call became active, see live-call.ts): subscribes to it and exposes what the
// screen shows.
import { useEffect, useRef, useState } from "react";
import type { ActiveCall } from "./call-provider";
import { useCalls } from "./call-provider";
import type { MediaProblem } from "./local-media";
import type { PeerSession, PeerState } from "./peer-session";

export function usePeerSession(active: ActiveCall) {
  const { liveCall } = useCalls();
  const sessionRef = useRef<PeerSession | null>(null);
  const [state, setState] = useState<PeerState>("connecting");
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [mediaProblem, setMediaProblem] = useState<MediaProblem>(null);
  const callId = active.call.id;
  // A new generation (the other side reloaded) means a new peer connection.
  const generation = active.generation ?? 0;

  useEffect(() => {
    const live = liveCall(callId, generation);
    if (!live) return;
    const s = live.session;
    // "closed" only comes from the provider stopping this session, which also
    // unmounts this screen or replaces the session (a new generation).
    const offState = s.on("state", (next) => {
      if (next !== "closed") setState(next);
    });
    const offRemote = s.on("remote-stream", (stream) => setRemoteStream(stream));
    let cancelled = false;
    void live.media.then(({ stream, problem }) => {
      if (cancelled) return;
      setLocalStream(stream);
      setMediaProblem(problem);
    });
    sessionRef.current = s;
    // The session started before this screen mounted: catch up with it.
    queueMicrotask(() => {
      if (cancelled) return;
      const current = s.getState();
      if (current !== "closed") setState(current);
      if (s.remoteStream.getTracks().length > 0) setRemoteStream(s.remoteStream);
    });
    return () => {
      cancelled = true;
      offState();
      offRemote();
      sessionRef.current = null;
      setLocalStream(null);
    };
  }, [callId, generation, liveCall]);

  return { sessionRef, state, localStream, remoteStream, mediaProblem };
}
