// The rest of a call's life after it rang, as a pure reducer: no I/O, no
// timers. Placing and answering a call (busy, glare, who may accept) are
// ./call-rules.ts; this is every other transition, one table row per state and
// event. The call service persists each transition with a conditional update
// on the previous status, so two nodes or two devices cannot both win.

export type CallStatus = "ringing" | "active" | "ended";
export type CallOutcome = "completed" | "declined" | "cancelled" | "missed" | "busy" | "failed";
export type Role = "caller" | "callee";

export type CallEvent =
  | { type: "decline"; by: Role }
  | { type: "cancel"; by: Role }
  | { type: "timeout" }
  | { type: "hangup"; by: Role }
  | { type: "fail"; reason: string };

export type CallState = { status: CallStatus; outcome: CallOutcome | null };

export type Transition =
  | { ok: true; next: CallState; reason: string }
  | { ok: false; error: "invalid_state" | "not_allowed" };

const ended = (outcome: CallOutcome, reason: string): Transition => ({
  ok: true,
  next: { status: "ended", outcome },
  reason,
});
const notAllowed: Transition = { ok: false, error: "not_allowed" };
const invalidState: Transition = { ok: false, error: "invalid_state" };

type Rule<T extends CallEvent["type"]> = (event: Extract<CallEvent, { type: T }>) => Transition;
type Rules = { [T in CallEvent["type"]]?: Rule<T> };

/** What each event does in each live state; an event missing from a state's row is invalid there. Ended calls take none. */
const TABLE: Record<"ringing" | "active", Rules> = {
  ringing: {
    decline: (e) => (e.by === "callee" ? ended("declined", "declined") : notAllowed),
    cancel: (e) => (e.by === "caller" ? ended("cancelled", "cancelled") : notAllowed),
    // Hanging up a ringing call is the caller cancelling or the callee declining.
    hangup: (e) => (e.by === "caller" ? ended("cancelled", "cancelled") : ended("declined", "declined")),
    timeout: () => ended("missed", "ring_timeout"),
    // The caller vanished while ringing: the callee still sees a missed call.
    fail: (e) => ended("missed", e.reason),
  },
  active: {
    hangup: () => ended("completed", "hangup"),
    fail: (e) => ended("failed", e.reason),
  },
};

export function transition(state: CallState, event: CallEvent): Transition {
  if (state.status === "ended") return invalidState;
  const rule = TABLE[state.status][event.type] as Rule<typeof event.type> | undefined;
  return rule ? rule(event as never) : invalidState;
}

/** The label each side sees in its history (and the caller sees as the ring outcome). */
export type HistoryLabel = "Completed" | "Missed" | "No answer" | "Declined" | "Cancelled" | "Busy" | "Failed";

export function historyLabel(outcome: CallOutcome, role: Role): HistoryLabel {
  switch (outcome) {
    case "completed":
      return "Completed";
    case "declined":
      return "Declined";
    case "cancelled":
      return role === "caller" ? "Cancelled" : "Missed";
    case "missed":
      return role === "caller" ? "No answer" : "Missed";
    case "busy":
      return role === "caller" ? "Busy" : "Missed";
    case "failed":
      return "Failed";
  }
}
