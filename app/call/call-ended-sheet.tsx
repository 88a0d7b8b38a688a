"use client";
// After a call, on both sides: who, how long, who ended it, and "Call again".
// A non-modal sheet at the bottom that closes itself (the client clears it
// after a few seconds) or with Dismiss; it never blocks the page.
import { AlertTriangle, Phone, RotateCcw, Video, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { formatDuration } from "@/app/lib/format";
import { Avatar } from "@/app/ui/avatar";
import { QualityBars } from "@/app/ui/quality-bars";
import { useCallClient } from "./call-provider";
import type { EndedCall } from "./types";

/** Props come from the call layer's snapshot (use-store-in-transition.ts). */
export function CallEndedSheet({ ended, connected }: { ended: EndedCall; connected: boolean }) {
  const t = useTranslations("call");
  const client = useCallClient();
  const ref = useRef<HTMLDivElement>(null);
  const { call } = ended;
  const other = call.caller.id === client.me.id ? call.callee : call.caller;
  // Focus comes here from the call screen's Hang up, which is gone now.
  useEffect(() => ref.current?.focus(), []);

  return (
    <div
      ref={ref}
      role="dialog"
      aria-modal="false"
      aria-labelledby="call-ended-title"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === "Escape") client.dismissEnded();
      }}
      className="fixed inset-x-3 bottom-3 z-50 mx-auto max-w-md rounded-card bg-surface p-4 text-fg shadow-2xl outline-none ring-1 ring-border sm:bottom-6"
    >
      <div className="flex items-center gap-3">
        <Avatar id={other.id} name={other.name} size="lg" />
        <div className="min-w-0 flex-1">
          <h2 id="call-ended-title" className="truncate font-semibold">
            {t("callEndedWith", { name: other.name })}
          </h2>
          <p className="flex items-center gap-1.5 text-sm text-muted">
            {call.kind === "video" ? <Video aria-hidden size={14} /> : <Phone aria-hidden size={14} />}
            <span className="tabular-nums">{formatDuration(ended.seconds)}</span>
            <span aria-hidden>·</span>
            {t(`endedBy.${ended.endedBy}`, { name: other.name })}
          </p>
        </div>
        <button
          type="button"
          aria-label={t("dismiss")}
          onClick={() => client.dismissEnded()}
          className="inline-flex size-tap shrink-0 items-center justify-center rounded-full text-muted hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-focus"
        >
          <X aria-hidden size={20} />
        </button>
      </div>
      <QualityLine quality={ended.quality} />
      <button
        type="button"
        disabled={!connected}
        onClick={() => {
          client.dismissEnded();
          void client.startCall(other, call.kind);
        }}
        className="mt-3 inline-flex min-h-tap w-full items-center justify-center gap-2 rounded-full bg-brand px-4 font-semibold text-on-brand hover:bg-brand-hover focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus disabled:opacity-60"
      >
        <RotateCcw aria-hidden size={18} />
        {t("callAgain")}
      </button>
    </div>
  );
}

/** What this side measured, in one line: the level with the path and the typical round trip, or what went wrong. */
function QualityLine({ quality }: { quality: EndedCall["quality"] }) {
  const t = useTranslations("callQuality");
  const tq = useTranslations("quality");
  if (!quality) return null;
  const { record, level } = quality;
  if (record.failure) {
    return (
      <p data-testid="ended-quality" className="mt-3 flex items-start gap-2 rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
        <AlertTriangle aria-hidden size={16} className="mt-0.5 shrink-0" />
        {t(`failure.${record.failure}`)}
      </p>
    );
  }
  if (!level) return null;
  return (
    <p data-testid="ended-quality" data-level={level} className="mt-3 flex flex-wrap items-center gap-x-2 gap-y-1 rounded-control bg-surface-2 px-3 py-2 text-sm">
      <QualityBars level={level} />
      <span className="font-medium">{t(`badge.${level}`)}</span>
      {record.path && record.rttMedianMs !== null && (
        <span className="text-muted">{t("summary", { path: tq(record.path), rtt: tq("ms", { value: record.rttMedianMs }) })}</span>
      )}
    </p>
  );
}
