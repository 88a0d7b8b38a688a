"use client";
// Choosing the camera, microphone (with a live level meter) and speaker: the
// fields, used by the call screen's settings popover and by the device check
// before a call. The choice is remembered per browser (device-prefs.ts); in a
// call the live call swaps the track in place (media-tools.ts).
import * as Popover from "@radix-ui/react-popover";
import { Settings2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState, useSyncExternalStore } from "react";
import { chooseDevice, devicePrefs, subscribeDevicePrefs, type DevicePrefs } from "./device-prefs";
import { devicesOf, listDevices, type DeviceInfo } from "./devices";

type Pick = (kind: "videoinput" | "audioinput", device: DeviceInfo) => void;

/** The browser can route audio to a chosen output (HTMLMediaElement.setSinkId). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
}

/** The remembered choices, re-read when they change. */
export function useDevicePrefs(): DevicePrefs {
  return useSyncExternalStore(subscribeDevicePrefs, devicePrefs, () => ({}));
}

/** The browser's devices, refreshed on `devicechange`. */
function useDevices(refreshKey: unknown): DeviceInfo[] {
  const [devices, setDevices] = useState<DeviceInfo[]>([]);
  useEffect(() => {
    let live = true;
    const load = () => void listDevices().then((d) => live && setDevices(d));
    load();
    navigator.mediaDevices?.addEventListener?.("devicechange", load);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener?.("devicechange", load);
    };
  }, [refreshKey]);
  return devices;
}

/** 0–100: how loud the track is now (RMS of the waveform, a few times a second). */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext === "undefined") return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      // RMS on a rough dB scale: -60 dB → 0, 0 dB → 100.
      const db = 20 * Math.log10(Math.sqrt(sum / data.length) || 1e-6);
      setLevel(Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100))));
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close();
    };
  }, [track]);
  return track ? level : 0;
}

/**
 * Camera, microphone (with its level) and speaker selects. `stream` holds
 * the tracks in use (their devices are the selected ones); `onPick` switches
 * a camera or microphone; the speaker is only remembered (the call screen
 * routes the other side's audio to it).
 */
export function DeviceFields({ stream, onPick, showCamera = true }: { stream: MediaStream | null; onPick: Pick; showCamera?: boolean }) {
  const t = useTranslations("devices");
  const prefs = useDevicePrefs();
  const camera = stream?.getVideoTracks()[0] ?? null;
  const mic = stream?.getAudioTracks()[0] ?? null;
  // Labels come once a track is open: list again when the tracks change.
  const devices = useDevices(`${camera?.id}/${mic?.id}`);
  const level = useAudioLevel(mic);
  const ids = { camera: useId(), mic: useId(), speaker: useId(), meter: useId() };
  const cameras = devicesOf(devices, "videoinput");
  const mics = devicesOf(devices, "audioinput");
  const speakers = devicesOf(devices, "audiooutput");
  const current = (track: MediaStreamTrack | null, kind: "videoinput" | "audioinput") => track?.getSettings().deviceId ?? prefs[kind]?.id ?? "";
  const select = "min-h-tap w-full rounded-control border border-border bg-surface px-3 text-sm text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus";
  const label = "mb-1 block text-sm font-medium text-fg";
  const name = (d: DeviceInfo, i: number, kind: string) => d.label || t("unnamed", { kind, n: i + 1 });

  return (
    <div className="grid gap-4">
      {showCamera && (
        <div>
          <label htmlFor={ids.camera} className={label}>
            {t("camera")}
          </label>
          <select
            id={ids.camera}
            className={select}
            value={current(camera, "videoinput")}
            disabled={cameras.length === 0}
            onChange={(e) => {
              const d = cameras.find((c) => c.deviceId === e.target.value);
              if (d) onPick("videoinput", d);
            }}
          >
            {cameras.length === 0 && <option value="">{t("none")}</option>}
            {cameras.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {name(d, i, t("camera"))}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label htmlFor={ids.mic} className={label}>
          {t("microphone")}
        </label>
        <select
          id={ids.mic}
          className={select}
          value={current(mic, "audioinput")}
          disabled={mics.length === 0}
          onChange={(e) => {
            const d = mics.find((c) => c.deviceId === e.target.value);
            if (d) onPick("audioinput", d);
          }}
        >
          {mics.length === 0 && <option value="">{t("none")}</option>}
          {mics.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {name(d, i, t("microphone"))}
            </option>
          ))}
        </select>
        <div className="mt-2 flex items-center gap-2">
          <span id={ids.meter} className="text-xs text-muted">
            {t("level")}
          </span>
          <div
            role="meter"
            aria-labelledby={ids.meter}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={level}
            className="h-2 flex-1 overflow-hidden rounded-full bg-surface-2"
          >
            <div className="h-full rounded-full bg-brand transition-[width] duration-100" style={{ width: `${level}%` }} />
          </div>
        </div>
      </div>
      {canChooseSpeaker() && speakers.length > 0 && (
        <div>
          <label htmlFor={ids.speaker} className={label}>
            {t("speaker")}
          </label>
          <select
            id={ids.speaker}
            className={select}
            value={prefs.audiooutput?.id ?? speakers[0]?.deviceId ?? ""}
            onChange={(e) => {
              const d = speakers.find((c) => c.deviceId === e.target.value);
              if (d) chooseDevice("audiooutput", { id: d.deviceId, label: d.label });
            }}
          >
            {speakers.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {name(d, i, t("speaker"))}
              </option>
            ))}
          </select>
        </div>
      )}
      <p className="text-xs text-muted">{t("remembered")}</p>
    </div>
  );
}

/** The call screen's settings button and its popover. */
export function DeviceSettingsButton({ stream, onPick, showCamera }: { stream: MediaStream | null; onPick: Pick; showCamera: boolean }) {
  const t = useTranslations("devices");
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button
          type="button"
          aria-label={t("settings")}
          title={t("settings")}
          className="inline-flex size-11 items-center justify-center rounded-full bg-black/30 text-white backdrop-blur hover:bg-black/50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
        >
          <Settings2 aria-hidden size={20} />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={8}
          collisionPadding={12}
          aria-label={t("settings")}
          className="z-50 w-[min(22rem,calc(100vw-1.5rem))] rounded-2xl bg-surface p-4 text-fg shadow-xl ring-1 ring-border"
        >
          <h3 className="mb-3 text-base font-semibold">{t("settings")}</h3>
          <DeviceFields stream={stream} onPick={onPick} showCamera={showCamera} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
