"use client";
// Dates and times of history rows in the reader's language (next-intl's
// formatter) and in the browser's own time zone: the server renders in UTC,
// but a call at 08:00 in Shanghai must read 08:00 there.
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useMemo } from "react";
import { daysAgo } from "./day-groups";

export function useWhen() {
  const format = useFormatter();
  const t = useTranslations("history");
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);

  /** "Today", "Yesterday", "Monday, 30 November" (with the year when it is not this year). */
  const dayLabel = useCallback(
    (day: Date, now: Date) => {
      const ago = daysAgo(day, now);
      if (ago === 0) return t("today");
      if (ago === 1) return t("yesterday");
      return format.dateTime(day, {
        weekday: "long",
        month: "long",
        day: "numeric",
        year: day.getFullYear() === now.getFullYear() ? undefined : "numeric",
        timeZone,
      });
    },
    [format, t, timeZone],
  );

  /**
   * The time of day ("2:08 PM", "14:08"); the day is the group's heading.
   * Not "53 seconds ago": it wrapped on phones and went stale on screen.
   */
  const timeLabel = useCallback((at: Date) => format.dateTime(at, { hour: "numeric", minute: "2-digit", timeZone }), [format, timeZone]);

  return { dayLabel, timeLabel };
}
