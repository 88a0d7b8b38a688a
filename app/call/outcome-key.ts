// The message id (namespace "call") of each history word a call can end with.
import type { HistoryLabel } from "@/server/call/state-machine";

export type OutcomeKey = "completed" | "declined" | "cancelled" | "missed" | "noAnswer" | "busy" | "failed";

const KEYS: Record<HistoryLabel, OutcomeKey> = {
  Completed: "completed",
  Declined: "declined",
  Cancelled: "cancelled",
  Missed: "missed",
  "No answer": "noAnswer",
  Busy: "busy",
  Failed: "failed",
};

export function outcomeKey(label: HistoryLabel): OutcomeKey {
  return KEYS[label];
}
