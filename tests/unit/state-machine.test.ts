// The call lifecycle reducer, exhaustively: every (state, event, actor) pair has
// one expected result in the table below, and the table must cover them all.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  historyLabel,
  transition,
  type CallEvent,
  type CallOutcome,
  type CallState,
  type CallStatus,
  type HistoryLabel,
  type Role,
  type Transition,
} from "../../server/call-domain/state-machine";

const OUTCOMES: CallOutcome[] = ["completed", "declined", "cancelled", "missed", "busy", "failed"];
const ROLES: Role[] = ["caller", "callee"];

/** Every event the reducer knows, with each actor where it has one. */
const EVENTS: Record<string, CallEvent> = {
  "decline by caller": { type: "decline", by: "caller" },
  "decline by callee": { type: "decline", by: "callee" },
  "cancel by caller": { type: "cancel", by: "caller" },
  "cancel by callee": { type: "cancel", by: "callee" },
  "hangup by caller": { type: "hangup", by: "caller" },
  "hangup by callee": { type: "hangup", by: "callee" },
  timeout: { type: "timeout" },
  "fail (connection_lost)": { type: "fail", reason: "connection_lost" },
};

const ringing: CallState = { status: "ringing", outcome: null };
const active: CallState = { status: "active", outcome: null };

const to = (status: CallStatus, outcome: CallOutcome | null, reason: string): Transition => ({
  ok: true,
  next: { status, outcome },
  reason,
});
const notAllowed: Transition = { ok: false, error: "not_allowed" };
const invalidState: Transition = { ok: false, error: "invalid_state" };

const EXPECTED: Record<"ringing" | "active", Record<keyof typeof EVENTS, Transition>> = {
  ringing: {
    "decline by caller": notAllowed,
    "decline by callee": to("ended", "declined", "declined"),
    "cancel by caller": to("ended", "cancelled", "cancelled"),
    "cancel by callee": notAllowed,
    // Hanging up while it rings is the caller cancelling / the callee declining.
    "hangup by caller": to("ended", "cancelled", "cancelled"),
    "hangup by callee": to("ended", "declined", "declined"),
    timeout: to("ended", "missed", "ring_timeout"),
    // The caller vanished while ringing: the callee still sees a missed call.
    "fail (connection_lost)": to("ended", "missed", "connection_lost"),
  },
  active: {
    "decline by caller": invalidState,
    "decline by callee": invalidState,
    "cancel by caller": invalidState,
    "cancel by callee": invalidState,
    "hangup by caller": to("ended", "completed", "hangup"),
    "hangup by callee": to("ended", "completed", "hangup"),
    timeout: invalidState,
    "fail (connection_lost)": to("ended", "failed", "connection_lost"),
  },
};

describe("transition()", () => {
  for (const [stateName, row] of Object.entries(EXPECTED)) {
    const state = stateName === "ringing" ? ringing : active;
    describe(`from ${stateName}`, () => {
      for (const [eventName, expected] of Object.entries(row)) {
        const event = EVENTS[eventName];
        assert.ok(event);
        test(`${eventName} → ${expected.ok ? `${expected.next.status}${expected.next.outcome ? `(${expected.next.outcome})` : ""}, reason ${expected.reason}` : `rejected: ${expected.error}`}`, () => {
          assert.deepEqual(transition(state, event), expected);
        });
      }
    });
  }

  test("the table covers every event for ringing and active", () => {
    for (const row of Object.values(EXPECTED)) assert.deepEqual(Object.keys(row).sort(), Object.keys(EVENTS).sort());
  });

  test("the fail reason is passed through as the end reason", () => {
    assert.deepEqual(transition(ringing, { type: "fail", reason: "caller_gone" }), to("ended", "missed", "caller_gone"));
    assert.deepEqual(transition(active, { type: "fail", reason: "node_shutdown" }), to("ended", "failed", "node_shutdown"));
  });

  test("an ended call accepts nothing, whatever its outcome", () => {
    for (const outcome of [null, ...OUTCOMES]) {
      for (const [name, event] of Object.entries(EVENTS)) {
        assert.deepEqual(transition({ status: "ended", outcome }, event), invalidState, `${name} on ended(${outcome})`);
      }
    }
  });

  test("a transition never mutates the state it was given", () => {
    const state: CallState = { status: "ringing", outcome: null };
    const frozen = Object.freeze({ ...state });
    transition(frozen, { type: "decline", by: "callee" });
    transition(frozen, { type: "timeout" });
    assert.deepEqual(frozen, state);
  });

  test("every successful transition out of ringing or active ends with an outcome, or becomes active without one", () => {
    for (const state of [ringing, active]) {
      for (const event of Object.values(EVENTS)) {
        const r = transition(state, event);
        if (!r.ok) continue;
        if (r.next.status === "ended") assert.ok(r.next.outcome && OUTCOMES.includes(r.next.outcome));
        else assert.deepEqual(r.next, { status: "active", outcome: null });
      }
    }
  });
});

describe("historyLabel()", () => {
  const EXPECTED_LABELS: Record<CallOutcome, Record<Role, HistoryLabel>> = {
    completed: { caller: "Completed", callee: "Completed" },
    declined: { caller: "Declined", callee: "Declined" },
    cancelled: { caller: "Cancelled", callee: "Missed" },
    missed: { caller: "No answer", callee: "Missed" },
    busy: { caller: "Busy", callee: "Missed" },
    failed: { caller: "Failed", callee: "Failed" },
  };

  for (const outcome of OUTCOMES) {
    for (const role of ROLES) {
      const label = EXPECTED_LABELS[outcome][role];
      test(`${outcome} as ${role} → "${label}"`, () => {
        assert.equal(historyLabel(outcome, role), label);
      });
    }
  }

  test("the table covers every outcome", () => {
    assert.deepEqual(Object.keys(EXPECTED_LABELS).sort(), [...OUTCOMES].sort());
  });
});
