// The call lifecycle as a pure reducer: no I/O, no timers. The call service
// persists each transition with a conditional update on the previous status,
// so two nodes or two devices cannot both win.

export type CallStatus = "ringing" | "active" | "ended";
export type CallOutcome = "completed" | "declined" | "cancelled" | "missed" | "busy" | "failed";
export type Role = "caller" | "callee";

export type CallEvent =
  | { type: "accept"; by: Role }
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

export function transition(state: CallState, event: CallEvent): Transition {
  switch (state.status) {
    case "ringing":
      switch (event.type) {
        case "accept":
          return event.by === "callee"
            ? { ok: true, next: { status: "active", outcome: null }, reason: "accepted" }
            : { ok: false, error: "not_allowed" };
        case "decline":
          return event.by === "callee" ? ended("declined", "declined") : { ok: false, error: "not_allowed" };
        case "cancel":
          return event.by === "caller" ? ended("cancelled", "cancelled") : { ok: false, error: "not_allowed" };
        case "hangup":
          // Hanging up a ringing call is the caller cancelling or the callee declining.
          return event.by === "caller" ? ended("cancelled", "cancelled") : ended("declined", "declined");
        case "timeout":
          return ended("missed", "ring_timeout");
        case "fail":
          // The caller vanished while ringing: the callee still sees a missed call.
          return ended("missed", event.reason);
      }
      break;
    case "active":
      switch (event.type) {
        case "hangup":
          return ended("completed", "hangup");
        case "fail":
          return ended("failed", event.reason);
        default:
          return { ok: false, error: "invalid_state" };
      }
    case "ended":
      return { ok: false, error: "invalid_state" };
  }
  return { ok: false, error: "invalid_state" };
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
