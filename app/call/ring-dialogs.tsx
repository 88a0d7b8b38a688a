"use client";
import { useEffect, useRef } from "react";
import type { CallInfo } from "@/server/call/protocol";
import { useCalls } from "./call-provider";
import { prefetchedStream } from "./local-media";

/** One alertdialog per call ringing for us; focus goes to Accept. */
export function IncomingCallDialog({ call }: { call: CallInfo }) {
  const { accept, decline } = useCalls();
  const acceptRef = useRef<HTMLButtonElement>(null);
  useEffect(() => acceptRef.current?.focus(), []);
  const titleId = `incoming-${call.id}-title`;
  return (
    <div
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={`${titleId}-desc`}
      className="w-full max-w-sm rounded-2xl bg-white p-5 shadow-2xl ring-1 ring-slate-200"
      onKeyDown={(e) => {
        if (e.key === "Escape") void decline(call.id);
      }}
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {call.caller.name}
      </h2>
      <p id={`${titleId}-desc`} className="text-slate-600">
        Incoming {call.kind === "video" ? "video call" : "audio call"}
      </p>
      <div className="mt-4 flex gap-3">
        <button
          ref={acceptRef}
          type="button"
          onClick={() => void accept(call.id)}
          className="flex-1 rounded-lg bg-green-600 px-4 py-2 font-semibold text-white hover:bg-green-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-green-700"
        >
          Accept
        </button>
        <button
          type="button"
          onClick={() => void decline(call.id)}
          className="flex-1 rounded-lg bg-red-600 px-4 py-2 font-semibold text-white hover:bg-red-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
        >
          Decline
        </button>
      </div>
    </div>
  );
}

export function OutgoingCallDialog() {
  const { outgoing, cancelOutgoing, closeOutgoing } = useCalls();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const outcome = outgoing?.outcome ?? null;
  const previewRef = useRef<HTMLVideoElement>(null);
  useEffect(() => buttonRef.current?.focus(), [outcome]);
  const callId = outgoing?.call.id;
  useEffect(() => {
    void prefetchedStream()?.then((stream) => {
      if (previewRef.current && stream) previewRef.current.srcObject = stream;
    });
  }, [callId]);
  if (!outgoing) return null;
  const name = outgoing.call.callee.name;
  return (
    <div
      role="dialog"
      aria-label="Outgoing call"
      className="w-full max-w-sm rounded-2xl bg-white p-5 shadow-2xl ring-1 ring-slate-200"
      onKeyDown={(e) => {
        if (e.key === "Escape") void (outcome ? closeOutgoing() : cancelOutgoing());
      }}
    >
      {outgoing.call.kind === "video" && !outcome && (
        <video ref={previewRef} aria-label="Your camera preview" autoPlay playsInline muted className="mb-3 aspect-video w-full rounded-lg bg-slate-800 object-cover" />
      )}
      <p className="text-lg font-semibold">Calling {name}…</p>
      <p className="text-slate-600">{outgoing.call.kind === "video" ? "Video call" : "Audio call"}</p>
      {outcome ? (
        <>
          <p role="status" className="mt-3 text-xl font-bold text-red-700">
            {outcome}
          </p>
          <button
            ref={buttonRef}
            type="button"
            onClick={closeOutgoing}
            className="mt-4 w-full rounded-lg bg-slate-200 px-4 py-2 font-semibold hover:bg-slate-300 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2"
          >
            Close
          </button>
        </>
      ) : (
        <button
          ref={buttonRef}
          type="button"
          onClick={() => void cancelOutgoing()}
          className="mt-4 w-full rounded-lg bg-red-600 px-4 py-2 font-semibold text-white hover:bg-red-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2"
        >
          Cancel call
        </button>
      )}
    </div>
  );
}
