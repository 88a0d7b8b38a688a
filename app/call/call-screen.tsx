"use client";
import { useEffect, useRef, useState } from "react";
import { formatDuration } from "@/app/lib/format";
import { useCalls, type ActiveCall } from "./call-provider";
import { usePeerSession } from "./use-peer-session";

const STATE_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  failed: "Connection failed",
  closed: "Call ended",
} as const;

/** The latest the local preview waits for the other side's first frame. */
const PREVIEW_DELAY_MS = 1000;

export function CallScreen({ active }: { active: ActiveCall }) {
  const { hangUp, me, peerAway } = useCalls();
  const { sessionRef, state, localStream, remoteStream, mediaProblem } = usePeerSession(active);
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const other = active.call.caller.id === me.id ? active.call.callee : active.call.caller;
  const isVideo = active.call.kind === "video";
  const remoteRef = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const localRef = useRef<HTMLVideoElement>(null);
  const hangUpRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (remoteRef.current && remoteStream && remoteRef.current.srcObject !== remoteStream) {
      remoteRef.current.srcObject = remoteStream;
      void remoteRef.current.play().catch(() => undefined);
    }
  }, [remoteStream]);
  // Your own picture starts once the other side's first frame is on screen
  // (or after a moment if it takes long, or never comes): while the call
  // connects and its first frames are decoded, a second video pipeline and its
  // frames would compete for the page's main thread, and on a busy machine the
  // other's face came 100 ms later for it.
  const [previewOn, setPreviewOn] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setPreviewOn(true), PREVIEW_DELAY_MS);
    return () => clearTimeout(t);
  }, []);
  const preview = previewOn ? localStream : null;
  useEffect(() => {
    if (localRef.current && localRef.current.srcObject !== preview) localRef.current.srcObject = preview;
  }, [preview]);
  useEffect(() => hangUpRef.current?.focus(), []);

  const hasCamera = Boolean(localStream?.getVideoTracks().length);
  const hasMic = Boolean(localStream?.getAudioTracks().length);

  return (
    <section
      aria-label={`Call with ${other.name}`}
      className="fixed inset-0 z-40 flex flex-col bg-slate-950 text-white"
      onKeyDown={(e) => {
        if (e.key === "Escape") hangUpRef.current?.focus();
      }}
    >
      <header className="flex items-center justify-between gap-2 p-3 sm:p-4">
        <div>
          <h2 className="text-lg font-semibold">{other.name}</h2>
          <p className="text-sm text-slate-300" aria-live="polite">
            {STATE_TEXT[state]}
          </p>
          {peerAway && <p className="text-sm text-amber-300">Waiting for {other.name} to reconnect…</p>}
        </div>
        <CallTimer since={active.call.answeredAt} />
      </header>

      {mediaProblem && (
        <p role="alert" className="mx-3 rounded bg-amber-100 p-2 text-sm text-amber-900">
          {mediaProblem}
        </p>
      )}

      <div className="relative flex-1 overflow-hidden">
        {isVideo ? (
          <video
            ref={remoteRef}
            aria-label="Remote video"
            autoPlay
            playsInline
            onLoadedData={() => setPreviewOn(true)}
            className="h-full w-full bg-black object-contain"
          />
        ) : (
          <div className="flex h-full items-center justify-center">
            <div aria-hidden className="flex h-32 w-32 items-center justify-center rounded-full bg-brand text-5xl font-bold">
              {other.name.slice(0, 1).toUpperCase()}
            </div>
            <audio ref={remoteRef} aria-label="Remote audio" autoPlay />
          </div>
        )}
        {isVideo && (
          <video
            ref={localRef}
            aria-label="Your video"
            autoPlay
            playsInline
            muted
            className="absolute bottom-3 right-3 w-28 rounded-lg border border-white/30 bg-slate-800 object-cover sm:w-48"
          />
        )}
      </div>

      <div className="flex flex-wrap items-center justify-center gap-3 p-4" role="group" aria-label="Call controls">
        <button
          type="button"
          disabled={!hasMic}
          onClick={() => {
            sessionRef.current?.setTrackEnabled("audio", !micOn);
            setMicOn(!micOn);
          }}
          className="rounded-full bg-slate-700 px-4 py-3 font-medium hover:bg-slate-600 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white disabled:opacity-40"
        >
          {micOn ? "Mute microphone" : "Unmute microphone"}
        </button>
        {isVideo && (
          <button
            type="button"
            disabled={!hasCamera}
            onClick={() => {
              sessionRef.current?.setTrackEnabled("video", !camOn);
              setCamOn(!camOn);
            }}
            className="rounded-full bg-slate-700 px-4 py-3 font-medium hover:bg-slate-600 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white disabled:opacity-40"
          >
            {camOn ? "Turn camera off" : "Turn camera on"}
          </button>
        )}
        <button
          ref={hangUpRef}
          type="button"
          onClick={() => void hangUp()}
          className="rounded-full bg-red-600 px-5 py-3 font-semibold hover:bg-red-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white"
        >
          Hang up
        </button>
      </div>
    </section>
  );
}

function CallTimer({ since }: { since: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, []);
  const start = since ? new Date(since).getTime() : now;
  const seconds = Math.max(0, Math.floor((now - start) / 1000));
  return (
    <span role="timer" aria-label="Call duration" className="font-mono text-lg tabular-nums">
      {formatDuration(seconds)}
    </span>
  );
}
