// A call's quality record, as one participant measured it (the browser's
// stats sampler, app/call/quality-recorder.ts): the shape both sides agree
// on, its bounds, and the one rule that rates it. Pure: the browser imports it
// too (the end-of-call sheet rates its own record the same way the server
// rates the stored one).
import { z } from "zod";

/** Above `fair` a figure is at best fair, above `poor` it is poor (the in-call indicator uses the same, app/call/quality.ts). */
export const QUALITY_THRESHOLDS = {
  rttMs: { fair: 250, poor: 500 },
  lossPercent: { fair: 3, poor: 10 },
  jitterMs: { fair: 40, poor: 80 },
  /** Bandwidth the browser estimates for sending, while its video encoder is held back by bandwidth (bits/s): below `fair` it is fair, below `poor` poor. */
  availableBps: { fair: 300_000, poor: 150_000 },
} as const;

export type QualityLevel = "good" | "fair" | "poor";

/** Where a call failed for this side, in the order a call sets up. */
export const FAILURE_STEPS = ["media_permission", "ice", "signaling"] as const;
export type FailureStep = (typeof FAILURE_STEPS)[number];

const ms = z.number().int().min(0).max(600_000);
const count = z.number().int().min(0).max(10_000);
const kbps = z.number().int().min(0).max(1_000_000);

/** What a participant sends when the call ends: bounded numbers and enums, no free text. */
export const qualityRecordSchema = z.strictObject({
  /** Accept (callee) or call:accepted (caller) to the first remote frame. */
  setupMs: ms.nullable(),
  path: z.enum(["direct", "relayed"]).nullable(),
  rttMedianMs: ms.nullable(),
  rttMaxMs: ms.nullable(),
  /** Packets from the other side lost on the way here, over the call. */
  lossPercent: z.number().min(0).max(100).nullable(),
  bitrateOutKbps: kbps.nullable(),
  bitrateInKbps: kbps.nullable(),
  /** The best video received (what this person saw). */
  videoWidth: z.number().int().min(0).max(16_384).nullable(),
  videoHeight: z.number().int().min(0).max(16_384).nullable(),
  fps: z.number().int().min(0).max(1_000).nullable(),
  iceRestarts: count,
  reconnections: count,
  /** Seconds the two browsers were connected. */
  connectedSeconds: z.number().int().min(0).max(7 * 86_400),
  failure: z.enum(FAILURE_STEPS).nullable(),
});
export type QualityRecord = z.infer<typeof qualityRecordSchema>;

const RANK: Record<QualityLevel, number> = { good: 0, fair: 1, poor: 2 };

/** `value` against one threshold pair; null when not measured. */
export function levelAbove(value: number | null, t: { fair: number; poor: number }): QualityLevel | null {
  if (value === null) return null;
  return value > t.poor ? "poor" : value > t.fair ? "fair" : "good";
}

/** The worst of the levels given (null ones ignored), or null when none was measured. */
export function worstLevel(...levels: (QualityLevel | null)[]): QualityLevel | null {
  let worst: QualityLevel | null = null;
  for (const l of levels) if (l && (!worst || RANK[l] > RANK[worst])) worst = l;
  return worst;
}

/**
 * A whole call's level, from its record: the median round trip and the loss
 * (what a person hears as delay and breaks); a restart or a reconnection makes
 * a good call fair at best. Null when the call never carried media.
 */
export function rateRecord(r: QualityRecord): QualityLevel | null {
  if (r.connectedSeconds === 0 && r.rttMedianMs === null && r.lossPercent === null) return null;
  const measured = worstLevel(levelAbove(r.rttMedianMs, QUALITY_THRESHOLDS.rttMs), levelAbove(r.lossPercent, QUALITY_THRESHOLDS.lossPercent)) ?? "good";
  const interrupted: QualityLevel = r.reconnections > 0 || r.iceRestarts > 0 ? "fair" : "good";
  return worstLevel(measured, interrupted);
}
