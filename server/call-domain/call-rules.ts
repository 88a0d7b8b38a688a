// The rules of placing and answering a call, stated once: who is busy, what
// glare is, who may accept. Pure (no I/O, no clock): each decision takes the
// live calls it needs and returns a verdict. The rest of a call's life (decline,
// cancel, hang-up, time-out, failure) is ./state-machine.ts.
//
// Each decision is an ordered table of rules: the first rule that matches
// gives the verdict. MemoryCallStore (server/calls/memory-store.ts) calls these
// functions; RedisCallStore's INVITE and ACCEPT scripts
// (server/calls/redis-scripts.ts) are their one transcription into Lua, needed
// for atomicity across nodes. tests/integration/call-rules.test.ts runs one
// table of cases against both stores, so the two cannot drift.
import type { CallStatus } from "./state-machine";

/** A live call (ringing, or active) as the rules see it. */
export type LiveCall = { id: string; callerId: string; calleeId: string; status: CallStatus };

const involves = (c: { callerId: string; calleeId: string }, userId: string) => c.callerId === userId || c.calleeId === userId;

/**
 * Whether a call still counts as live at `now`: active, or ringing within its
 * time. A ring past its time is over even before its timer or the sweep ends
 * it: nobody is shown it ringing any more.
 */
export function stillLive(c: { status: CallStatus; ringExpires: number }, now: number): boolean {
  return c.status === "active" || (c.status === "ringing" && c.ringExpires > now);
}

export type InviteVerdict = { kind: "caller_busy" } | { kind: "glare"; callId: string } | { kind: "callee_busy" };

type InviteRule = {
  verdict: InviteVerdict["kind"];
  /** Does this live call (of the caller or the callee) trigger the rule? */
  when: (c: LiveCall, callerId: string, calleeId: string) => boolean;
};

/**
 * The busy rules of an invite, in order. The live calls are the caller's and
 * the callee's, rings past their time left out (they are ended, not busy).
 */
export const INVITE_RULES: readonly InviteRule[] = [
  // The caller cannot place a call while in an active call or while a call
  // they placed still rings; a call merely ringing FOR them does not stop them.
  { verdict: "caller_busy", when: (c, callerId) => (c.status === "active" && involves(c, callerId)) || (c.status === "ringing" && c.callerId === callerId) },
  // Glare: the callee is ringing this caller right now (both pressed Call at
  // once). Answering that call is what both want; placing a second one would
  // only make it "busy" against the first, and neither side could answer.
  { verdict: "glare", when: (c, callerId, calleeId) => c.status === "ringing" && c.callerId === calleeId && c.calleeId === callerId },
  // The callee is "Busy" in any live call (active, or ringing either way).
  { verdict: "callee_busy", when: (c, _callerId, calleeId) => involves(c, calleeId) },
];

/** What an invite from `callerId` to `calleeId` becomes over these live calls; undefined: it rings. */
export function decideInvite(live: readonly LiveCall[], callerId: string, calleeId: string): InviteVerdict | undefined {
  for (const rule of INVITE_RULES) {
    const hit = live.find((c) => rule.when(c, callerId, calleeId));
    if (!hit) continue;
    return rule.verdict === "glare" ? { kind: "glare", callId: hit.id } : { kind: rule.verdict };
  }
  return undefined;
}

export type AcceptRefusal = "not_found" | "caller_busy" | "invalid_state" | "answered_elsewhere" | "ring_over";

type AcceptRule = {
  refusal: AcceptRefusal;
  when: (c: LiveCall & { ringExpires: number }, userLive: readonly LiveCall[], userId: string, now: number) => boolean;
};

/** Why a user may not accept a (live) call, in order: the first that holds is the answer. */
export const ACCEPT_RULES: readonly AcceptRule[] = [
  { refusal: "not_found", when: (c, _l, userId) => !involves(c, userId) },
  // Nobody is ever in two calls.
  { refusal: "caller_busy", when: (c, userLive) => userLive.some((o) => o.status === "active" && o.id !== c.id) },
  // Only the callee accepts.
  { refusal: "invalid_state", when: (c, _l, userId) => c.calleeId !== userId },
  // Another device of the callee won.
  { refusal: "answered_elsewhere", when: (c) => c.status === "active" },
  { refusal: "invalid_state", when: (c) => c.status !== "ringing" },
  // Ring time is over but its timer has not fired yet: the service ends it as missed.
  { refusal: "ring_over", when: (c, _l, _u, now) => c.ringExpires <= now },
];

/** Why `userId` may not accept `c` now (their live calls: `userLive`); undefined: they may, and it becomes active. */
export function decideAccept(c: LiveCall & { ringExpires: number }, userLive: readonly LiveCall[], userId: string, now: number): AcceptRefusal | undefined {
  return ACCEPT_RULES.find((rule) => rule.when(c, userLive, userId, now))?.refusal;
}

/**
 * Why `userId` may not accept a call that is not live (ended, or never made;
 * `participants` from its row, null without one): a participant hears that it
 * moved on, anyone else that there is no such call (never which).
 */
export function decideAcceptNotLive(participants: { callerId: string; calleeId: string } | null, userId: string): AcceptRefusal {
  return participants && involves(participants, userId) ? "invalid_state" : "not_found";
}

/** The accepting user's own outgoing rings, which end when they answer (nobody is in two calls). */
export function ownRingsOnAccept(userLive: readonly LiveCall[], userId: string, acceptedId: string): string[] {
  return userLive.filter((o) => o.status === "ringing" && o.callerId === userId && o.id !== acceptedId).map((o) => o.id);
}
