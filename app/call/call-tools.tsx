"use client";
// The call screen's tool buttons and notes: share the screen, full screen,
// picture-in-picture, the speaker the other side plays on, and what changed
// in the devices. Each button is absent where the browser lacks its API.
import { Maximize, Minimize, MonitorUp, MonitorX, PictureInPicture2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useSyncExternalStore, type RefObject } from "react";
import { ControlButton } from "./control-button";
import { useDevicePrefs } from "./device-settings";
import type { DeviceNotice } from "./media-tools";

const HEADER_BUTTON =
  "inline-flex size-11 items-center justify-center rounded-full bg-black/30 text-white backdrop-blur hover:bg-black/50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white";

/** Share screen / Stop sharing, a control of the bottom row. */
export function ScreenShareButton({ sharing, onToggle }: { sharing: boolean; onToggle: () => void }) {
  const t = useTranslations("callTools");
  return (
    <ControlButton
      label={sharing ? t("stopSharing") : t("shareScreen")}
      pressed={sharing}
      onClick={onToggle}
      icon={sharing ? <MonitorX aria-hidden size={24} /> : <MonitorUp aria-hidden size={24} />}
    />
  );
}

const noSubscribe = () => () => undefined;

/** A browser capability, read once rendering in the browser (false on the server). */
export function useCapability(read: () => boolean): boolean {
  return useSyncExternalStore(noSubscribe, read, () => false);
}

function subscribePip(fn: () => void): () => void {
  document.addEventListener("enterpictureinpicture", fn, true);
  document.addEventListener("leavepictureinpicture", fn, true);
  return () => {
    document.removeEventListener("enterpictureinpicture", fn, true);
    document.removeEventListener("leavepictureinpicture", fn, true);
  };
}

function subscribeFullscreen(fn: () => void): () => void {
  document.addEventListener("fullscreenchange", fn);
  return () => document.removeEventListener("fullscreenchange", fn);
}

/** The whole page goes full screen (the call screen fills it; popovers and toasts stay visible). */
export function FullscreenButton() {
  const t = useTranslations("callTools");
  const full = useSyncExternalStore(subscribeFullscreen, () => document.fullscreenElement !== null, () => false);
  const supported = useCapability(() => Boolean(document.fullscreenEnabled));
  if (!supported) return null;
  const label = full ? t("exitFullScreen") : t("fullScreen");
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={HEADER_BUTTON}
      onClick={() => void (full ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => undefined)}
    >
      {full ? <Minimize aria-hidden size={20} /> : <Maximize aria-hidden size={20} />}
    </button>
  );
}

/** The other side's picture (their screen while they share) in a floating window that stays over other tabs. */
export function PipButton({ videoRef, available }: { videoRef: RefObject<HTMLVideoElement | null>; available: boolean }) {
  const t = useTranslations("callTools");
  const supported = useCapability(() => Boolean(document.pictureInPictureEnabled));
  const inPip = useSyncExternalStore(subscribePip, () => document.pictureInPictureElement !== null, () => false);
  // Leave picture-in-picture with the call.
  useEffect(() => () => void (document.pictureInPictureElement ? document.exitPictureInPicture().catch(() => undefined) : undefined), []);
  if (!supported || !available) return null;
  const label = inPip ? t("exitPictureInPicture") : t("pictureInPicture");
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={HEADER_BUTTON}
      onClick={() => {
        const video = videoRef.current;
        if (inPip) void document.exitPictureInPicture().catch(() => undefined);
        else if (video) void video.requestPictureInPicture().catch(() => undefined);
      }}
    >
      <PictureInPicture2 aria-hidden size={20} />
    </button>
  );
}

/** Plays the element's audio on the speaker chosen in this browser (where setSinkId exists). */
export function useSpeaker(ref: RefObject<HTMLMediaElement | null>): void {
  const speaker = useDevicePrefs().audiooutput?.id;
  useEffect(() => {
    const el = ref.current as (HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el?.setSinkId) return;
    // A speaker that is gone: the browser's default plays it.
    void el.setSinkId(speaker ?? "").catch(() => el.setSinkId?.("").catch(() => undefined));
  }, [ref, speaker]);
}

/** "Your microphone was disconnected: using …" / "… is connected. Use it" (the newest change, until dismissed). */
export function DeviceNoticeBanner({ notice, onUse, onDismiss }: { notice: DeviceNotice; onUse: () => void; onDismiss: () => void }) {
  const t = useTranslations("devices");
  const kind = notice.kind === "videoinput" ? "camera" : notice.kind === "audioinput" ? "microphone" : "speaker";
  useEffect(() => {
    const timer = setTimeout(onDismiss, 10_000);
    return () => clearTimeout(timer);
  }, [notice.id, onDismiss]);
  return (
    <div role="status" className="absolute inset-x-3 top-24 z-20 mx-auto flex max-w-lg items-center gap-3 rounded-xl bg-slate-900/90 p-3 text-sm text-white shadow-lg ring-1 ring-white/15">
      <p className="min-w-0 flex-1">
        {notice.type === "fallback" ? t(`fallback.${kind}`, { label: notice.label || t(kind) }) : t(`added.${kind}`, { label: notice.label || t(kind) })}
      </p>
      {notice.type === "added" && (
        <button type="button" onClick={onUse} className="min-h-tap rounded-full bg-white px-4 font-semibold text-slate-950 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
          {t("use")}
        </button>
      )}
      <button type="button" aria-label={t("dismiss")} title={t("dismiss")} onClick={onDismiss} className="inline-flex size-11 shrink-0 items-center justify-center rounded-full hover:bg-white/15 focus-visible:outline-2 focus-visible:outline-white">
        <X aria-hidden size={18} />
      </button>
    </div>
  );
}
