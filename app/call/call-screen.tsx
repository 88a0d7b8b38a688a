"use client";
// The call screen: the other person full-bleed (cover on a phone, contain on
// a desktop over a soft backdrop), your own picture as a draggable corner
// tile, one row of round controls that keep their size (auto-hidden after
// CONTROLS_IDLE_MS without pointer movement on a desktop), and the other
// side's state on their picture: muted, camera off (their avatar and name
// instead of a black frame), reconnecting. All state comes from the call
// client's snapshot; this file only draws it.
import { Mic, MicOff, PhoneOff, Video, VideoOff, WifiOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { formatDuration } from "@/app/lib/format";
import { Avatar } from "@/app/ui/avatar";
import { useCallClient, useCallMedia } from "./call-provider";
import { callStatus, type CallStatus } from "./call-status";
import { ChatButton, ChatPanel } from "./chat-panel";
import { PoorConnectionBadge, QualityIndicator } from "./quality-indicator";
import { DeviceNoticeBanner, FullscreenButton, PipButton, ScreenShareButton, useCapability, useSpeaker } from "./call-tools";
import { chooseDevice } from "./device-prefs";
import { DeviceSettingsButton } from "./device-settings";
import { MediaTools } from "./media-tools";
import { SelfView } from "./self-view";
import type { ActiveCall } from "./types";
import { ControlButton } from "./control-button";
import { VerifyCall } from "./verify-call";

/** The latest your own picture waits for the other side's first frame. */
const PREVIEW_DELAY_MS = 1000;
/** Controls fade after this long without pointer movement (desktop; never while focused). */
const CONTROLS_IDLE_MS = 3000;

const STATUS_STYLE: Record<CallStatus, string> = {
  connecting: "bg-white/15 text-white",
  connected: "bg-emerald-500/25 text-emerald-50",
  reconnecting: "bg-amber-400/90 text-slate-950",
  offline: "bg-amber-400/90 text-slate-950",
  peerAway: "bg-amber-400/90 text-slate-950",
  failed: "bg-red-600 text-white",
};

/** `connected` / `peerAway` come from the call layer's (transition) snapshot: see use-store-in-transition.ts. */
export function CallScreen({ active, connected, peerAway }: { active: ActiveCall; connected: boolean; peerAway: boolean }) {
  const t = useTranslations("call");
  const tt = useTranslations("callTools");
  const client = useCallClient();
  const { peerState, localStream, remoteStream, mediaProblem, localMedia, remoteMedia, services, tools } = useCallMedia();
  const other = active.call.caller.id === client.me.id ? active.call.callee : active.call.caller;
  const isVideo = active.call.kind === "video";
  const status = callStatus({ connected, peerAway, peerState });
  const remoteRef = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const hangUpRef = useRef<HTMLButtonElement>(null);
  const remoteCameraRef = useRef<HTMLVideoElement>(null);
  const screenRef = useRef<HTMLVideoElement>(null);
  const [previewOn, setPreviewOn] = useState(false);
  const canShare = useCapability(MediaTools.canShareScreen);
  const controlsVisible = useControlsVisibility();

  useEffect(() => {
    const el = remoteRef.current;
    if (el && remoteStream && el.srcObject !== remoteStream) {
      el.srcObject = remoteStream;
      void el.play().catch(() => undefined);
    }
  }, [remoteStream]);
  // Your own picture starts once the other side's first frame is on screen (or
  // after a moment): while the call connects, a second video pipeline competed
  // for the page's main thread and the other's face came later for it.
  useEffect(() => {
    const timer = setTimeout(() => setPreviewOn(true), PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => hangUpRef.current?.focus(), []);
  useSpeaker(remoteRef);
  // A voice call's picture (turned into video) and the other side's shared screen.
  useEffect(() => {
    if (remoteCameraRef.current && remoteCameraRef.current.srcObject !== remoteStream) remoteCameraRef.current.srcObject = remoteStream;
    if (screenRef.current && screenRef.current.srcObject !== tools.remoteScreen) screenRef.current.srcObject = tools.remoteScreen;
  });

  const hasCamera = Boolean(localStream?.getVideoTracks().length);
  const hasMic = Boolean(localStream?.getAudioTracks().length);
  const remoteHasVideo = Boolean(remoteStream?.getVideoTracks().length) && remoteMedia.video;
  const remoteScreen = tools.remoteScreen;
  // A voice call shows pictures once either side turns its camera on (or shares a screen).
  const showsVideo = isVideo || localMedia.video || remoteHasVideo || Boolean(remoteScreen);
  const live = client.liveCall();
  const remoteTile = remoteScreen ? "absolute left-3 top-24 z-10 aspect-video w-28 overflow-hidden rounded-2xl object-cover shadow-xl ring-1 ring-white/25 sm:w-56" : "h-full w-full object-cover sm:object-contain";
  const statusText = status === "peerAway" ? t("waitingForPeer", { name: other.name }) : t(`status.${status}`);

  return (
    <section aria-label={t("callWith", { name: other.name })} className="fixed inset-0 z-40 overflow-hidden bg-slate-950 text-white">
      {/* The other person. */}
      <div className="absolute inset-0 bg-gradient-to-b from-slate-800 to-slate-950">
        {isVideo ? (
          <video
            ref={remoteRef}
            aria-label={t("remoteVideo")}
            autoPlay
            playsInline
            onLoadedData={() => {
              setPreviewOn(true);
              client.reportFirstFrame(active.call.id);
            }}
            className={`${remoteTile} ${remoteHasVideo ? "" : "invisible"}`}
          />
        ) : (
          <>
            <audio ref={remoteRef} aria-label={t("remoteAudio")} autoPlay />
            {remoteHasVideo && <video ref={remoteCameraRef} aria-label={t("remoteVideo")} autoPlay playsInline muted className={remoteTile} />}
          </>
        )}
        {remoteScreen && <video ref={screenRef} aria-label={tt("sharedScreen", { name: other.name })} autoPlay playsInline muted className="absolute inset-0 h-full w-full bg-black object-contain" />}
        {!remoteHasVideo && !remoteScreen && (
          <div className="absolute inset-0 flex flex-col items-center justify-center gap-4">
            <Avatar id={other.id} name={other.name} size="2xl" />
            <p className="text-2xl font-semibold">{other.name}</p>
            {isVideo && !remoteMedia.video && (
              <p className="flex items-center gap-2 text-slate-300">
                <VideoOff aria-hidden size={18} />
                {t("peerCameraOff", { name: other.name })}
              </p>
            )}
          </div>
        )}
        <PoorConnectionBadge services={services} />
      </div>

      {/* Top bar: who, how the connection is, how long. */}
      <header className="absolute inset-x-0 top-0 z-20 flex items-start justify-between gap-3 bg-gradient-to-b from-black/70 to-transparent p-4 pb-10">
        <div className="min-w-0">
          <h2 className="flex items-center gap-2 truncate text-lg font-semibold">
            {other.name}
            {!remoteMedia.audio && (
              <span role="img" aria-label={t("peerMuted", { name: other.name })} className="inline-flex size-7 items-center justify-center rounded-full bg-red-600">
                <MicOff aria-hidden size={15} />
              </span>
            )}
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <p role="status" className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-medium ${STATUS_STYLE[status]}`}>
              {(status === "offline" || status === "reconnecting" || status === "peerAway") && <WifiOff aria-hidden size={14} />}
              {statusText}
            </p>
            {status === "connected" && <QualityIndicator services={services} />}
            <VerifyCall name={other.name} />
          </div>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <CallTimer since={active.call.answeredAt} label={t("callDuration")} />
        </div>
      </header>
      <div className="absolute right-4 top-16 z-20 flex flex-col gap-2">
        <DeviceSettingsButton
          stream={localStream}
          showCamera={isVideo || localMedia.video}
          onPick={(kind, device) => void live?.tools.useDevice(kind, device)}
        />
        <FullscreenButton />
        <PipButton videoRef={remoteScreen ? screenRef : isVideo ? remoteRef : remoteCameraRef} available={remoteHasVideo || Boolean(remoteScreen)} />
      </div>
      {tools.sharing && <p className="absolute inset-x-0 top-24 z-20 mx-auto w-fit rounded-full bg-sky-700 px-3 py-1 text-sm font-medium text-white shadow-lg">{tt("youAreSharing")}</p>}

      {tools.deviceNotice && !mediaProblem && (
        <DeviceNoticeBanner
          notice={tools.deviceNotice}
          onDismiss={() => live?.tools.dismissNotice()}
          onUse={() => {
            const n = tools.deviceNotice;
            if (n?.type !== "added") return;
            if (n.kind === "audiooutput") chooseDevice("audiooutput", { id: n.deviceId, label: n.label });
            else void live?.tools.useDevice(n.kind, { deviceId: n.deviceId, label: n.label });
            live?.tools.dismissNotice();
          }}
        />
      )}
      {mediaProblem && (
        <div role="alert" className="absolute left-3 right-16 top-24 z-20 sm:right-3 mx-auto flex max-w-lg flex-wrap items-center gap-3 rounded-xl bg-amber-100 p-3 text-sm text-amber-950 shadow-lg">
          <p className="min-w-0 flex-1">
            {t(`media.${mediaProblem}`)} {t(`media.fix`)}{" "}
            {/* A new tab: leaving this page would end the call. */}
            <a href="/check" target="_blank" rel="noopener" className="font-semibold underline underline-offset-2">
              {t("media.check")}
            </a>
          </p>
          <button
            type="button"
            onClick={() => void client.retryMedia()}
            className="min-h-tap rounded-full bg-amber-950 px-4 font-semibold text-amber-50 hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-950"
          >
            {t("media.retry")}
          </button>
        </div>
      )}

      {showsVideo && <SelfView stream={previewOn ? localStream : null} cameraOn={hasCamera && localMedia.video} />}

      {/* Controls: one row, fixed sizes, labels never change their width. */}
      <div
        role="group"
        aria-label={t("callControls")}
        className={`absolute inset-x-0 bottom-0 z-20 flex items-center justify-center gap-3 sm:gap-5 bg-gradient-to-t from-black/70 to-transparent px-4 pb-8 pt-12 transition-opacity duration-300 focus-within:opacity-100 ${controlsVisible ? "opacity-100" : "opacity-0"}`}
      >
        <ControlButton
          label={!hasMic ? t("micUnavailable") : localMedia.audio ? t("muteMic") : t("unmuteMic")}
          disabled={!hasMic}
          pressed={hasMic && !localMedia.audio}
          onClick={() => client.setLocalMedia("audio", !localMedia.audio)}
          icon={localMedia.audio && hasMic ? <Mic aria-hidden size={24} /> : <MicOff aria-hidden size={24} />}
        />
        {isVideo ? (
          <ControlButton
            label={!hasCamera ? t("cameraUnavailable") : localMedia.video ? t("cameraOff") : t("cameraOn")}
            disabled={!hasCamera}
            pressed={hasCamera && !localMedia.video}
            onClick={() => client.setLocalMedia("video", !localMedia.video)}
            icon={localMedia.video && hasCamera ? <Video aria-hidden size={24} /> : <VideoOff aria-hidden size={24} />}
          />
        ) : (
          // A voice call turns into video (and back) with the same button.
          <ControlButton
            label={localMedia.video ? t("cameraOff") : t("cameraOn")}
            disabled={false}
            pressed={false}
            onClick={() => client.setLocalMedia("video", !localMedia.video)}
            icon={localMedia.video ? <Video aria-hidden size={24} /> : <VideoOff aria-hidden size={24} />}
          />
        )}
        <ChatButton services={services} />
        {canShare && <ScreenShareButton sharing={tools.sharing} onToggle={() => void (tools.sharing ? live?.tools.stopScreenShare() : live?.tools.startScreenShare())} />}
        <button
          ref={hangUpRef}
          type="button"
          aria-label={t("hangUp")}
          title={t("hangUp")}
          onClick={() => void client.hangUp()}
          className="inline-flex size-16 items-center justify-center rounded-full bg-red-600 text-white shadow-lg hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-white"
        >
          <PhoneOff aria-hidden size={28} />
        </button>
      </div>
      <ChatPanel services={services} otherName={other.name} />
    </section>
  );
}

/** Visible while the pointer moved in the last CONTROLS_IDLE_MS; always on touch screens. */
function useControlsVisibility(): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    if (!window.matchMedia("(hover: hover) and (pointer: fine)").matches) return;
    let timer = setTimeout(() => setVisible(false), CONTROLS_IDLE_MS);
    const wake = () => {
      setVisible(true);
      clearTimeout(timer);
      timer = setTimeout(() => setVisible(false), CONTROLS_IDLE_MS);
    };
    window.addEventListener("pointermove", wake);
    window.addEventListener("keydown", wake);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pointermove", wake);
      window.removeEventListener("keydown", wake);
    };
  }, []);
  return visible;
}

function CallTimer({ since, label }: { since: string | null; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const start = since ? new Date(since).getTime() : now;
  const seconds = Math.max(0, Math.floor((now - start) / 1000));
  return (
    <span role="timer" aria-label={label} className="rounded-full bg-black/30 px-2.5 py-0.5 font-mono text-base tabular-nums">
      {formatDuration(seconds)}
    </span>
  );
}
