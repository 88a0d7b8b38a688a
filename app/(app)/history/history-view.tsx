"use client";
import { useCallback, useEffect, useState } from "react";
import { useCalls } from "@/app/call/call-provider";
import { formatDuration, formatWhen } from "@/app/lib/format";
import type { HistoryEntry } from "@/server/history/service";

type Page = { entries: HistoryEntry[]; nextCursor: string | null };

const LABEL_STYLE: Record<string, string> = {
  Completed: "text-green-700",
  Missed: "text-red-700 font-semibold",
  "No answer": "text-slate-600",
  Declined: "text-slate-600",
  Cancelled: "text-slate-600",
  Busy: "text-amber-700",
  Failed: "text-red-700",
};

export function HistoryView() {
  const { historyVersion, startCall, active, outgoing } = useCalls();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (before?: string) => {
    try {
      const res = await fetch(`/api/history${before ? `?before=${encodeURIComponent(before)}` : ""}`, { cache: "no-store" });
      if (!res.ok) throw new Error();
      const page = (await res.json()) as Page;
      setEntries((prev) => (before ? [...(prev ?? []), ...page.entries] : page.entries));
      setNext(page.nextCursor);
      setError(null);
    } catch {
      setError("Could not load your call history.");
    }
  }, []);

  useEffect(() => {
    // load() sets state only after its fetch resolves.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load, historyVersion]);

  // Seeing the list counts as seeing the missed calls.
  useEffect(() => {
    void fetch("/api/history/seen", { method: "POST" }).then(() => window.dispatchEvent(new Event("dialtone:missed-seen")));
  }, [historyVersion]);

  const busy = Boolean(active || (outgoing && !outgoing.outcome));

  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">Call history</h1>
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p className="text-slate-600">No calls yet.</p>}
      {entries && entries.length > 0 && (
        <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-slate-200">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Your calls, newest first</caption>
            <thead className="border-b bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="p-2">Person</th>
                <th scope="col" className="p-2">Call</th>
                <th scope="col" className="p-2">Outcome</th>
                <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {entries.map((e) => (
                <tr key={e.id}>
                  <td className="p-2">
                    <span className="block font-medium">{e.other.name}</span>
                    <time dateTime={e.startedAt} className="text-xs text-slate-500">
                      {formatWhen(e.startedAt)}
                    </time>
                  </td>
                  <td className="p-2">
                    {e.direction} <span aria-hidden>·</span> {e.kind === "video" ? "Video" : "Audio"}
                  </td>
                  <td className="p-2">
                    <span className={`block ${LABEL_STYLE[e.label] ?? ""}`}>{e.label}</span>
                    {e.durationSeconds !== null && e.label === "Completed" && (
                      <span className="text-xs tabular-nums text-slate-600">{formatDuration(e.durationSeconds)}</span>
                    )}
                  </td>
                  <td className="p-2 text-right">
                    <button
                      type="button"
                      aria-label={`Call back ${e.other.name}`}
                      disabled={busy}
                      onClick={() => void startCall(e.other, e.kind)}
                      className="rounded-lg bg-brand px-2 py-1 text-white hover:bg-brand-dark focus-visible:outline focus-visible:outline-2 disabled:opacity-50"
                    >
                      Call back
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" onClick={() => void load(next)} className="mt-4 rounded-lg border px-3 py-1.5 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2">
          Show older calls
        </button>
      )}
    </div>
  );
}
