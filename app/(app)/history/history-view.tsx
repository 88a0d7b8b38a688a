"use client";
import { History } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useCalls } from "@/app/call/call-provider";
import { Button } from "@/app/ui/button";
import type { HistoryEntry } from "@/server/history/service";
import { useConnectionState } from "../connection-context";
import { groupByDay } from "./day-groups";
import { HistoryRow } from "./history-row";
import { QualityDetails } from "./quality-details";
import { useWhen } from "./use-when";

type Page = { entries: HistoryEntry[]; nextCursor: string | null };

export function HistoryView() {
  const t = useTranslations("history");
  const tOffline = useTranslations("offline");
  const { historyVersion, startCall, active, outgoing } = useCalls();
  const { live } = useConnectionState();
  const { dayLabel, timeLabel } = useWhen();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  // "Now" for Today / Yesterday: taken when the list (re)loads.
  const [now, setNow] = useState(() => new Date());

  const load = useCallback(async (before?: string) => {
    try {
      const res = await fetch(`/api/history${before ? `?before=${encodeURIComponent(before)}` : ""}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`GET /api/history ${res.status}`);
      const page = (await res.json()) as Page;
      setEntries((prev) => (before ? [...(prev ?? []), ...page.entries] : page.entries));
      setNext(page.nextCursor);
      setNow(new Date());
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    // load() sets state only after its fetch resolves.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load, historyVersion]);

  // Seeing the list counts as seeing the missed calls (the nav badge already shows 0 here).
  useEffect(() => {
    void fetch("/api/history/seen", { method: "POST" }).then(() => window.dispatchEvent(new Event("dialtone:missed-seen")));
  }, [historyVersion]);

  const [details, setDetails] = useState<HistoryEntry | null>(null);
  /** The quality button that opened the details: focus goes back to it. */
  const detailsFrom = useRef<HTMLElement | null>(null);
  const groups = useMemo(() => groupByDay(entries ?? []), [entries]);
  const inCallOrRinging = Boolean(active || (outgoing && !outgoing.outcome));
  const callBlockedBecause = !live ? tOffline("callsPaused") : inCallOrRinging ? tOffline("inCall") : null;

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      {failed && (
        <p role="alert" className="rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
          {t("loadError")}
        </p>
      )}
      {entries && entries.length === 0 && (
        <div className="flex flex-col items-center rounded-card border border-dashed border-border bg-surface px-6 py-10 text-center">
          <span aria-hidden className="mb-4 inline-flex size-16 items-center justify-center rounded-full bg-brand-soft text-brand-text">
            <History size={30} />
          </span>
          <p className="text-lg font-semibold">{t("emptyTitle")}</p>
          <p className="mt-1 max-w-sm text-sm text-muted">{t("emptyBody")}</p>
        </div>
      )}
      {groups.length > 0 && (
        <div className="overflow-hidden rounded-card bg-surface ring-1 ring-border">
          <table className="w-full table-fixed border-collapse text-left">
            <caption className="sr-only">{t("caption")}</caption>
            {/* The outcome and the call-back button get what they need; the person the rest. */}
            <colgroup>
              <col />
              <col className="w-28 sm:w-36" />
              <col className="w-16" />
            </colgroup>
            <thead className="sr-only">
              <tr>
                <th scope="col">{t("person")}</th>
                <th scope="col">{t("outcome")}</th>
                <th scope="col">{t("actions")}</th>
              </tr>
            </thead>
            {groups.map((group) => (
              <tbody key={group.key} className="divide-y divide-border border-t border-border first-of-type:border-t-0">
                <tr className="bg-surface-2">
                  <th scope="colgroup" colSpan={3} className="px-3 py-1.5 text-xs font-semibold uppercase tracking-wide text-muted sm:px-4">
                    {dayLabel(group.day, now)}
                  </th>
                </tr>
                {group.entries.map((e) => (
                  <HistoryRow
                    key={e.id}
                    entry={e}
                    time={timeLabel(new Date(e.startedAt))}
                    callBlockedBecause={callBlockedBecause}
                    onCallBack={() => void startCall(e.other, e.kind)}
                    onShowQuality={(from) => {
                      detailsFrom.current = from;
                      setDetails(e);
                    }}
                  />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
      <QualityDetails
        callId={details?.id ?? null}
        otherName={details ? (details.other.deleted ? t("deletedUser") : details.other.name) : ""}
        onClose={() => setDetails(null)}
        returnFocus={() => detailsFrom.current?.focus()}
      />
      {next && (
        <Button variant="secondary" onClick={() => void load(next)}>
          {t("showOlder")}
        </Button>
      )}
    </div>
  );
}
