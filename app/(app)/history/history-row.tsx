"use client";
import { AlertTriangle, Mic, Phone, PhoneIncoming, PhoneMissed, PhoneOutgoing, Video } from "lucide-react";
import { useTranslations } from "next-intl";
import { formatDuration } from "@/app/lib/format";
import { Avatar } from "@/app/ui/avatar";
import { IconButton } from "@/app/ui/icon-button";
import { QualityBars } from "@/app/ui/quality-bars";
import type { HistoryEntry } from "@/server/history/service";

const OUTCOME_STYLE: Record<HistoryEntry["label"], string> = {
  Completed: "text-muted",
  Missed: "font-semibold text-danger-text",
  "No answer": "text-muted",
  Declined: "text-muted",
  Cancelled: "text-muted",
  Busy: "text-muted",
  Failed: "text-danger-text",
};

type Props = {
  entry: HistoryEntry;
  time: string;
  callBlockedBecause: string | null;
  onCallBack: () => void;
  /** Open the call's quality details (a row with a quality record); `from`: the button, where focus returns. */
  onShowQuality: (from: HTMLElement) => void;
};

/**
 * One call: who (red when missed), its direction and kind as icons (their
 * words are there for screen readers), when, how it ended and how long it
 * lasted, and a button to call back the same way.
 */
export function HistoryRow({ entry, time, callBlockedBecause, onCallBack, onShowQuality }: Props) {
  const t = useTranslations("history");
  const missed = entry.label === "Missed";
  const DirectionIcon = missed ? PhoneMissed : entry.direction === "Incoming" ? PhoneIncoming : PhoneOutgoing;
  const KindIcon = entry.kind === "video" ? Video : Mic;
  // A deleted account keeps its rows here, without its name.
  const name = entry.other.deleted ? t("deletedUser") : entry.other.name;
  return (
    <tr>
      <td className="py-2.5 pl-3 pr-2 sm:pl-4">
        <span className="flex min-w-0 items-center gap-3">
          <Avatar id={entry.other.id} name={name} />
          <span className="flex min-w-0 flex-col">
            <span className={`truncate font-semibold ${missed ? "text-danger-text" : ""} ${entry.other.deleted ? "italic" : ""}`}>{name}</span>
            <span className="flex items-center gap-1.5 whitespace-nowrap text-sm text-muted">
              <DirectionIcon aria-hidden size={15} className={missed ? "text-danger-text" : ""} />
              <span className="sr-only">{t(entry.direction)}</span>
              <KindIcon aria-hidden size={15} />
              <span className="sr-only">{t(entry.kind)}</span>
              <time dateTime={entry.startedAt}>{time}</time>
            </span>
          </span>
        </span>
      </td>
      <td className="px-2 py-2.5 text-right text-sm">
        <span className={`block ${OUTCOME_STYLE[entry.label]}`}>{t(`label.${entry.label}`)}</span>
        <span className="flex items-center justify-end gap-1.5">
          {entry.durationSeconds !== null && entry.label === "Completed" && (
            <span className="tabular-nums text-muted">
              <span className="sr-only">{t("duration")} </span>
              {formatDuration(entry.durationSeconds)}
            </span>
          )}
          {entry.quality && (entry.quality.level || entry.quality.failure) && (
            <QualityButton quality={entry.quality} name={name} onClick={onShowQuality} />
          )}
        </span>
      </td>
      <td className="py-2.5 pl-1 pr-2 text-right sm:pr-3">
        {/* Nobody to call back once the account is gone. */}
        {!entry.other.deleted && (
          <IconButton
            icon={entry.kind === "video" ? Video : Phone}
            variant="secondary"
            label={t("callBack", { name })}
            disabledReason={callBlockedBecause}
            onClick={onCallBack}
          />
        )}
      </td>
    </tr>
  );
}

/** The call's quality at a glance (bars, and the word from sm up), or "Why?" when it failed; opens the details. */
function QualityButton({ quality, name, onClick }: { quality: NonNullable<HistoryEntry["quality"]>; name: string; onClick: (from: HTMLElement) => void }) {
  const t = useTranslations("callQuality");
  const { level, failure } = quality;
  const label = failure ? t("openFailed", { name }) : t("open", { name, level: t(`badge.${level ?? "good"}`) });
  return (
    // A 44×44 target (the row's height does not grow: negative margins) around a small pill.
    <button
      type="button"
      aria-label={label}
      title={label}
      data-level={level ?? "none"}
      onClick={(e) => onClick(e.currentTarget)}
      className="group -my-2.5 -mr-1 inline-flex min-h-tap min-w-tap items-center justify-end focus-visible:outline-none"
    >
      <span className="inline-flex items-center gap-1 rounded-full px-1.5 py-0.5 text-xs font-medium text-muted ring-1 ring-border group-hover:bg-surface-2 group-hover:text-fg group-focus-visible:outline-2 group-focus-visible:outline-focus">
        {failure ? (
          <>
            <AlertTriangle aria-hidden size={13} className="text-danger-text" />
            {t("why")}
          </>
        ) : (
          <>
            <QualityBars level={level} />
            <span className="hidden sm:inline">{t(`short.${level ?? "good"}`)}</span>
          </>
        )}
      </span>
    </button>
  );
}
