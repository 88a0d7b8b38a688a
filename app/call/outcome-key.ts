// The message id (namespace "call") of each history word a call can end with.
import type { HistoryLabel } from "@/server/call/state-machine";

const KEYS: Record<HistoryLabel, string> = {
  Completed: "completed",
  Declined: "declined",
  Cancelled: "cancelled",
  Missed: "missed",
  "No answer": "noAnswer",
  Busy: "busy",
  Failed: "failed",
};

export function outcomeKey(label: HistoryLabel): string {
  return KEYS[label];
}
