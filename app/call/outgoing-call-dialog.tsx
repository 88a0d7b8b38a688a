"use client";
// The caller's side of a ring: your own camera large behind "Calling Bob…"
// (as FaceTime does), one Cancel button; when it ends unanswered, only the
// outcome ("Declined", "No answer", "Busy") with Close and Call again.
import * as Dialog from "@radix-ui/react-dialog";
import { Phone, PhoneOff, RotateCcw, Video, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { Avatar } from "@/app/ui/avatar";
import { useCallClient } from "./call-provider";
import { prefetchedStream } from "./local-media";
import type { Outgoing } from "./types";

/** `outgoing` comes from the call layer's snapshot (use-store-in-transition.ts). */
export function OutgoingCallDialog({ outgoing }: { outgoing: Outgoing }) {
  const t = useTranslations("call");
  // The outcome words are History's own (one translation of each).
  const tHistory = useTranslations("history");
  const client = useCallClient();
  const cancelOutgoing = () => client.cancelOutgoing();
  const closeOutgoing = () => client.closeOutgoing();
  const previewRef = useRef<HTMLVideoElement>(null);
  const callId = outgoing.call.id;
  useEffect(() => {
    void prefetchedStream()?.then((stream) => {
      if (previewRef.current && stream) previewRef.current.srcObject = stream;
    });
  }, [callId]);
  const { call, outcome } = outgoing;
  const callee = call.callee;
  const isVideo = call.kind === "video";
  const showPreview = isVideo && !outcome;

  return (
    <Dialog.Root open>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-slate-950/80" />
        <Dialog.Content
          // Named "Outgoing call" whatever it shows (Radix would name it by its title).
          aria-label={t("outgoingCall")}
          aria-labelledby={undefined}
          aria-describedby={undefined}
          onEscapeKeyDown={(e) => {
            e.preventDefault();
            void (outcome ? closeOutgoing() : cancelOutgoing());
          }}
          onInteractOutside={(e) => e.preventDefault()}
          className="fixed inset-0 z-50 flex flex-col items-center justify-between overflow-hidden bg-slate-900 p-6 text-white outline-none sm:inset-auto sm:left-1/2 sm:top-1/2 sm:h-[34rem] sm:w-[26rem] sm:-translate-x-1/2 sm:-translate-y-1/2 sm:rounded-card sm:shadow-2xl"
        >
          {showPreview && (
            <video
              ref={previewRef}
              aria-label={t("cameraPreview")}
              autoPlay
              playsInline
              muted
              className="absolute inset-0 h-full w-full -scale-x-100 object-cover opacity-70"
            />
          )}
          <div className="relative mt-10 flex flex-col items-center text-center">
            <Avatar id={callee.id} name={callee.name} size="xl" />
            {outcome ? (
              <>
                <Dialog.Title className="mt-4 text-2xl font-semibold">{callee.name}</Dialog.Title>
                <p role="status" className="mt-2 rounded-full bg-black/40 px-3 py-1 text-lg font-semibold text-red-200">
                  {tHistory(`label.${outcome}`)}
                </p>
              </>
            ) : (
              <>
                <Dialog.Title className="mt-4 text-2xl font-semibold [text-shadow:0_1px_4px_rgb(0_0_0/60%)]">
                  {t("callingName", { name: callee.name })}…
                </Dialog.Title>
                <p className="mt-1 flex items-center gap-1.5 text-slate-200 [text-shadow:0_1px_4px_rgb(0_0_0/60%)]">
                  {isVideo ? <Video aria-hidden size={16} /> : <Phone aria-hidden size={16} />}
                  {t(isVideo ? "videoCall" : "audioCall")}
                </p>
              </>
            )}
          </div>
          <div className="relative mb-4 flex items-start justify-center gap-10">
            {outcome ? (
              <>
                <RoundAction label={t("close")} onClick={closeOutgoing} className="bg-white/20 hover:bg-white/30" icon={<X aria-hidden size={26} />} autoFocus />
                <RoundAction
                  label={t("callAgain")}
                  onClick={() => {
                    closeOutgoing();
                    void client.startCall(callee, call.kind);
                  }}
                  className="bg-success hover:bg-success-hover"
                  icon={<RotateCcw aria-hidden size={24} />}
                />
              </>
            ) : (
              <RoundAction label={t("cancelCall")} onClick={() => void cancelOutgoing()} className="bg-danger hover:bg-danger-hover" icon={<PhoneOff aria-hidden size={26} />} autoFocus />
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A round 64 px button with its label written under it (the label is its accessible name). */
function RoundAction({ label, onClick, className, icon, autoFocus }: { label: string; onClick: () => void; className: string; icon: React.ReactNode; autoFocus?: boolean }) {
  return (
    <div className="flex w-20 flex-col items-center gap-2">
      <button
        type="button"
        aria-label={label}
        autoFocus={autoFocus}
        onClick={onClick}
        className={`inline-flex size-16 items-center justify-center rounded-full text-white focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-white ${className}`}
      >
        {icon}
      </button>
      <span aria-hidden className="text-center text-sm font-medium">
        {label}
      </span>
    </div>
  );
}
