// Call set-up time as the clients see it: each participant reports once per
// call how long it took from Accept (the callee) or call:accepted (the caller)
// to the first remote frame, and it goes into a Prometheus histogram
// (dialtone_call_setup_seconds, by role). Reported over HTTP
// (POST /api/calls/{callId}/setup-time): a number a client chooses, so it is
// bounded, counted once per participant and call, for a call that was
// answered in the last ten minutes, and the role comes from the call's row,
// not from the client.
import { z } from "zod";
import { DialtoneError } from "../protocol/errors";
import type { Db } from "../db/client";
import type { Metrics } from "../observability/metrics";

/** At most two minutes: past that, the call did not set up (nothing to measure). */
export const MAX_SETUP_MS = 120_000;
/** A report comes right after the first frame; later ones are refused. */
export const REPORT_WINDOW_MS = 10 * 60_000;
export const setupTimeSchema = z.strictObject({ ms: z.number().int().min(0).max(MAX_SETUP_MS) });

/** Participants (call id + user id) that reported, oldest first; bounded, per node. */
const reported = new Set<string>();
const MAX_REMEMBERED = 20_000;

export async function reportSetupTime(db: Db, metrics: Metrics, userId: string, callId: string, input: unknown, now = new Date()): Promise<void> {
  const { ms } = setupTimeSchema.parse(input);
  if (callId.length > 64) throw new DialtoneError("not_found");
  const call = await db.call.findUnique({ where: { id: callId }, select: { callerId: true, calleeId: true, answeredAt: true } });
  if (!call || (call.callerId !== userId && call.calleeId !== userId)) throw new DialtoneError("not_found");
  if (!call.answeredAt || now.getTime() - call.answeredAt.getTime() > REPORT_WINDOW_MS) throw new DialtoneError("invalid_state");
  const key = `${callId}:${userId}`;
  if (reported.has(key)) throw new DialtoneError("invalid_state", "Already reported.");
  if (reported.size >= MAX_REMEMBERED) reported.delete(reported.values().next().value!);
  reported.add(key);
  metrics.callSetup.observe({ role: call.callerId === userId ? "caller" : "callee" }, ms / 1000);
}
