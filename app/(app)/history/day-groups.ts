// History rows grouped by the reader's calendar day (their own time zone),
// newest first, as the page shows them under "Today", "Yesterday", ….
import type { HistoryEntry } from "@/server/history/service";

export type DayGroup = { key: string; day: Date; entries: HistoryEntry[] };

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** Entries come newest first; so do the groups. */
export function groupByDay(entries: HistoryEntry[]): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const entry of entries) {
    const started = new Date(entry.startedAt);
    const key = dayKey(started);
    const last = groups[groups.length - 1];
    if (last?.key === key) last.entries.push(entry);
    else groups.push({ key, day: new Date(started.getFullYear(), started.getMonth(), started.getDate()), entries: [entry] });
  }
  return groups;
}

/** 0 for today, 1 for yesterday, … (calendar days, so 23:59 → 00:01 is one day). */
export function daysAgo(day: Date, now: Date): number {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((today.getTime() - day.getTime()) / 86_400_000);
}
