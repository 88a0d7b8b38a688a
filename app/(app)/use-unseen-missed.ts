"use client";
import { useEffect, useState } from "react";

/**
 * Unseen missed calls for the nav badge; refetched when a call ends and when
 * the page changes. On /history it is 0 at once: showing the list marks them
 * seen (HistoryView posts /api/history/seen), and a count fetched in the
 * meantime must not bring the badge back (it did: the refetch on navigation
 * raced the "seen" post and often won).
 */
export function useUnseenMissed(version: number, pathname: string): number {
  const [count, setCount] = useState(0);
  const onHistory = pathname === "/history";
  useEffect(() => {
    if (onHistory) return;
    let stale = false;
    void fetch("/api/history?count=1", { cache: "no-store" })
      .then((r) => (r.ok ? (r.json() as Promise<{ unseenMissed?: number }>) : null))
      .then((body) => {
        if (!stale && body && typeof body.unseenMissed === "number") setCount(body.unseenMissed);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [version, onHistory]);
  useEffect(() => {
    const onSeen = () => setCount(0);
    window.addEventListener("dialtone:missed-seen", onSeen);
    return () => window.removeEventListener("dialtone:missed-seen", onSeen);
  }, []);
  return onHistory ? 0 : count;
}
