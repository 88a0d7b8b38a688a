"use client";
// The details of a call's quality records (server/quality/): what each side
// measured, side by side, and what went wrong when it failed. A Radix dialog,
// loaded lazily by quality-details.tsx: import it only from there.
import * as Dialog from "@radix-ui/react-dialog";
import { AlertTriangle } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { formatDuration } from "@/app/lib/format";
import { buttonClass } from "@/app/ui/button";
import { QualityBars } from "@/app/ui/quality-bars";
import type { CallQualityView, StoredQuality } from "@/server/quality/service";

export type QualityDetailsProps = {
  /** The call whose records to show; null: closed. */
  callId: string | null;
  /** The other person's name as the history shows it. */
  otherName: string;
  onClose: () => void;
  /** Put focus back where the dialog was opened from (it opens after its code loads, so Radix cannot tell). */
  returnFocus: () => void;
};

type Row = { label: string; value: (q: StoredQuality) => string | null };

export function RadixQualityDetails({ callId, otherName, onClose, returnFocus }: QualityDetailsProps) {
  const t = useTranslations("callQuality");
  const tq = useTranslations("quality");
  const [view, setView] = useState<{ callId: string; data: CallQualityView | null } | null>(null);
  useEffect(() => {
    if (!callId) return;
    let live = true;
    void fetch(`/api/calls/${encodeURIComponent(callId)}/quality`)
      .then(async (res) => (res.ok ? ((await res.json()) as CallQualityView) : null))
      .catch(() => null)
      .then((data) => {
        if (live) setView({ callId, data });
      });
    return () => {
      live = false;
    };
  }, [callId]);
  const shown = view && view.callId === callId ? view : null;

  const ms = (v: number | null) => (v === null ? null : tq("ms", { value: v }));
  const kbps = (v: number | null) => (v === null ? null : tq("kbps", { value: v }));
  const rows: Row[] = [
    { label: t("path"), value: (q) => (q.path ? tq(q.path) : null) },
    { label: t("rttMedian"), value: (q) => ms(q.rttMedianMs) },
    { label: t("rttMax"), value: (q) => ms(q.rttMaxMs) },
    { label: t("loss"), value: (q) => (q.lossPercent === null ? null : tq("percent", { value: q.lossPercent })) },
    { label: t("setup"), value: (q) => ms(q.setupMs) },
    { label: t("bitrateOut"), value: (q) => kbps(q.bitrateOutKbps) },
    { label: t("bitrateIn"), value: (q) => kbps(q.bitrateInKbps) },
    { label: t("video"), value: (q) => (q.videoWidth && q.videoHeight ? t("resolution", { width: q.videoWidth, height: q.videoHeight, fps: q.fps ?? 0 }) : null) },
    { label: t("interruptions"), value: (q) => String(q.reconnections) },
    { label: t("restarts"), value: (q) => String(q.iceRestarts) },
    { label: t("connected"), value: (q) => formatDuration(q.connectedSeconds) },
  ];
  const sides = shown?.data ? [shown.data.mine, shown.data.theirs] : [];
  const failures = sides.flatMap((q) => (q?.failure ? [q.failure] : []));

  return (
    <Dialog.Root open={callId !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <Dialog.Content
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            returnFocus();
          }}
          className="fixed left-1/2 top-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-card bg-surface p-5 text-fg shadow-2xl ring-1 ring-border sm:p-6">
          <Dialog.Title className="text-lg font-semibold">{t("title")}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-muted">{t("description", { name: otherName })}</Dialog.Description>
          {!shown && (
            <p role="status" className="mt-4 text-sm text-muted">
              {t("loading")}
            </p>
          )}
          {shown && !shown.data && (
            <p role="alert" className="mt-4 rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {t("loadError")}
            </p>
          )}
          {shown?.data && (
            <>
              {failures.length > 0 && (
                <div className="mt-4 flex gap-2 rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
                  <AlertTriangle aria-hidden size={18} className="mt-0.5 shrink-0" />
                  <p>
                    <span className="font-semibold">{t("failedAt")}: </span>
                    {[...new Set(failures)].map((f) => t(`failure.${f}`)).join(" · ")}
                  </p>
                </div>
              )}
              <table className="mt-4 w-full table-fixed border-collapse text-sm" data-testid="quality-details">
                <thead>
                  <tr className="border-b border-border text-left">
                    <th scope="col" className="w-[40%] pb-2 font-medium text-muted">
                      <span className="sr-only">{t("title")}</span>
                    </th>
                    <th scope="col" className="pb-2 font-semibold">
                      <span className="block">{t("you")}</span>
                      <Level q={shown.data.mine} />
                    </th>
                    <th scope="col" className="truncate pb-2 font-semibold">
                      <span className="block truncate">{otherName}</span>
                      <Level q={shown.data.theirs} />
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-border">
                  {/* A row nobody measured (an audio call's video) is left out. */}
                  {rows.filter((row) => sides.some((q) => q && row.value(q) !== null)).map((row) => (
                    <tr key={row.label}>
                      <th scope="row" className="py-1.5 pr-2 text-left font-normal text-muted">
                        {row.label}
                      </th>
                      {sides.map((q, i) => (
                        <td key={i} className="py-1.5 pr-2 tabular-nums">
                          {(q && row.value(q)) ?? tq("unknown")}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              {!shown.data.theirs && <p className="mt-3 text-xs text-muted">{t("notRecordedNote", { name: otherName })}</p>}
            </>
          )}
          <div className="mt-5 flex justify-end">
            <Dialog.Close className={buttonClass("secondary")}>{t("close")}</Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function Level({ q }: { q: StoredQuality | null }) {
  const t = useTranslations("callQuality");
  if (!q?.level) return null;
  return (
    <span className="inline-flex items-center gap-1.5 font-normal">
      <QualityBars level={q.level} />
      {t(`short.${q.level}`)}
    </span>
  );
}
