"use client";
// The connection's quality in the call screen: three bars (good / fair /
// poor) that open a details panel with the stats sampler's numbers, and the
// "Poor connection" label on the other person's picture. Both read the
// call's ConnectionQuality store (quality.ts); nothing here measures.
import * as Popover from "@radix-ui/react-popover";
import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { QualityBars } from "@/app/ui/quality-bars";
import type { CallServices } from "./call-services";
import type { QualitySnapshot } from "./quality";
import type { VideoFlow } from "./stats-sampler";

const noop = () => () => undefined;
const none = (): QualitySnapshot => null;

/** The active call's quality (null until the first sample, or without a call). */
export function useConnectionQuality(services: CallServices | null): QualitySnapshot {
  return useSyncExternalStore(services?.quality.subscribe ?? noop, services?.quality.getSnapshot ?? none, none);
}

export function QualityIndicator({ services }: { services: CallServices | null }) {
  const t = useTranslations("quality");
  const q = useConnectionQuality(services);
  const levelText = q ? t(`level.${q.level}`) : t("measuring");
  return (
    <Popover.Root>
      <Popover.Trigger
        aria-label={t("button", { level: levelText })}
        title={t("button", { level: levelText })}
        data-level={q?.level ?? "unknown"}
        className="relative inline-flex items-center gap-1.5 rounded-full bg-black/30 px-2.5 py-0.5 text-sm font-medium after:absolute after:-inset-x-1 after:-inset-y-2.5 after:content-[''] hover:bg-black/45 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
      >
        <QualityBars level={q?.level ?? null} unlit="bg-white/35" />
        <span>{levelText}</span>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="bottom"
          align="start"
          sideOffset={8}
          collisionPadding={12}
          aria-label={t("title")}
          className="z-50 w-80 max-w-[calc(100vw-24px)] rounded-2xl bg-slate-900/95 p-4 text-sm text-white shadow-2xl ring-1 ring-white/15 backdrop-blur"
        >
          <QualityDetails q={q} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function QualityDetails({ q }: { q: QualitySnapshot }) {
  const t = useTranslations("quality");
  const dash = t("unknown");
  const s = q?.stats;
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? dash : t("ms", { value: Math.round(v) }));
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? dash : t("percent", { value: Math.round(v * 10) / 10 }));
  const kbps = (v: number | undefined) => (v === undefined ? dash : t("kbps", { value: Math.round(v / 1000) }));
  const video = (v: VideoFlow | null | undefined) => (v ? t("video", { width: v.width, height: v.height, fps: Math.round(v.fps) }) : dash);
  const rows: [key: string, label: string, value: string][] = [
    ["rtt", t("rtt"), ms(s?.rttMs)],
    ["loss", t("loss"), `${pct(s?.lossInPercent)} / ${pct(s?.lossOutPercent)}`],
    ["jitter", t("jitter"), ms(s?.jitterMs)],
    ["bitrate-out", t("bitrateOut"), kbps(s?.bitrateOut)],
    ["bitrate-in", t("bitrateIn"), kbps(s?.bitrateIn)],
    ["video-out", t("videoOut"), video(s?.videoOut)],
    ["video-in", t("videoIn"), video(s?.videoIn)],
    ["path", t("path"), s?.path ? t(s.path) : dash],
  ];
  return (
    <>
      <h3 className="flex items-center gap-2 text-base font-semibold">
        <QualityBars level={q?.level ?? null} unlit="bg-white/35" />
        {t("heading", { level: q ? t(`level.${q.level}`) : t("measuring") })}
      </h3>
      {/* data-sampled-at: when these numbers were read (the e2e compares them with getStats read at that moment). */}
      <dl data-sampled-at={s?.at} className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
        {rows.map(([key, label, value]) => (
          <div key={key} className="contents" data-stat={key}>
            <dt className="whitespace-nowrap text-slate-300">{label}</dt>
            <dd className="whitespace-nowrap text-right font-mono tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {q && q.reduced > 0 && <p className="mt-3 rounded-lg bg-amber-400/15 p-2 text-amber-100">{t("reduced")}</p>}
      <p className="mt-3 text-xs text-slate-300">{t("updated")}</p>
    </>
  );
}

/** "Poor connection" on the other person's picture while the connection rates poor. */
export function PoorConnectionBadge({ services }: { services: CallServices | null }) {
  const t = useTranslations("quality");
  const q = useConnectionQuality(services);
  if (q?.level !== "poor") return null;
  return (
    <p role="status" className="absolute left-1/2 top-28 z-10 flex -translate-x-1/2 items-center gap-2 rounded-full bg-red-600/90 px-3 py-1 text-sm font-semibold text-white shadow-lg">
      <QualityBars level="poor" unlit="bg-white/35" />
      {t("poorConnection")}
    </p>
  );
}
