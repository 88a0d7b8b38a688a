"use client";
// Everything call-related that floats above the pages: rings, the call screen, notices.
import { useCalls } from "./call-provider";
import { CallScreen } from "./call-screen";
import { IncomingCallDialog, OutgoingCallDialog } from "./ring-dialogs";

export function CallLayer() {
  const { incoming, outgoing, active, notice, dismissNotice, connected } = useCalls();
  return (
    <>
      {active && <CallScreen key={active.call.id} active={active} />}
      {(incoming.length > 0 || outgoing) && !active && (
        <div className="fixed inset-x-0 top-16 z-50 flex flex-col items-center gap-3 px-3">
          {outgoing && <OutgoingCallDialog />}
          {incoming.map((call) => (
            <IncomingCallDialog key={call.id} call={call} />
          ))}
        </div>
      )}
      {notice && (
        <div role="status" className="fixed bottom-4 left-1/2 z-50 flex -translate-x-1/2 items-center gap-3 rounded-lg bg-slate-900 px-4 py-2 text-white shadow-lg">
          <span>{notice}</span>
          <button type="button" onClick={dismissNotice} className="rounded px-2 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-white">
            Dismiss
          </button>
        </div>
      )}
      {!connected && (
        <p className="fixed bottom-4 right-4 z-30 rounded bg-amber-100 px-3 py-1 text-sm text-amber-900" aria-live="polite">
          Connecting to Dialtone…
        </p>
      )}
    </>
  );
}
