// Storing and reading call quality records (record.ts): one per participant
// and call, written once when the call ends (POST /api/calls/{id}/quality),
// read by the call's two participants only (GET, the history's details).
// Like the set-up time (server/calls/setup-time.ts) the numbers are the
// client's own, so they are bounded, rated here (not by the client), and only
// taken for a call the sender took part in, that was answered, and that
// ended at most REPORT_WINDOW_MS ago.
import { DialtoneError } from "../protocol/errors";
import type { Db } from "../db/client";
import { qualityRecordSchema, rateRecord, type QualityLevel, type QualityRecord } from "./record";

/** A record comes when the call ends; a page that lost its network may send it a little later, not hours later. */
export const REPORT_WINDOW_MS = 10 * 60_000;

export type StoredQuality = QualityRecord & { level: QualityLevel | null };

/** Both sides' records of a call, as its participants see them. */
export type CallQualityView = { mine: StoredQuality | null; theirs: StoredQuality | null };

async function participantCall(db: Db, userId: string, callId: string) {
  if (callId.length > 64) throw new DialtoneError("not_found");
  const call = await db.call.findUnique({ where: { id: callId }, select: { callerId: true, calleeId: true, answeredAt: true, endedAt: true } });
  // Someone else's call is answered as if it did not exist.
  if (!call || (call.callerId !== userId && call.calleeId !== userId)) throw new DialtoneError("not_found");
  return call;
}

export async function saveQualityRecord(db: Db, userId: string, callId: string, input: unknown, now = new Date()): Promise<QualityLevel | null> {
  const record = qualityRecordSchema.parse(input);
  const call = await participantCall(db, userId, callId);
  if (!call.answeredAt) throw new DialtoneError("invalid_state", "The call was never answered.");
  if (call.endedAt && now.getTime() - call.endedAt.getTime() > REPORT_WINDOW_MS) throw new DialtoneError("invalid_state", "Too late to report.");
  const level = rateRecord(record);
  // The short form goes on the call row too, on this side's columns: the history list reads it without a join (P4).
  const short = call.callerId === userId ? { callerLevel: level, callerFailure: record.failure } : { calleeLevel: level, calleeFailure: record.failure };
  try {
    await db.$transaction([db.callQuality.create({ data: { callId, userId, level, ...record } }), db.call.update({ where: { id: callId }, data: short })]);
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new DialtoneError("invalid_state", "Already reported.");
    throw err;
  }
  return level;
}

const columns = {
  level: true, failure: true, setupMs: true, path: true, rttMedianMs: true, rttMaxMs: true, lossPercent: true, bitrateOutKbps: true,
  bitrateInKbps: true, videoWidth: true, videoHeight: true, fps: true, iceRestarts: true, reconnections: true, connectedSeconds: true, userId: true,
} as const;

export async function readQualityRecords(db: Db, userId: string, callId: string): Promise<CallQualityView> {
  await participantCall(db, userId, callId);
  const rows = await db.callQuality.findMany({ where: { callId }, select: columns });
  const view = (r: (typeof rows)[number] | undefined): StoredQuality | null => {
    if (!r) return null;
    const { userId: _owner, ...rest } = r;
    return { ...rest, level: rest.level as QualityLevel | null, path: rest.path as QualityRecord["path"], failure: rest.failure as QualityRecord["failure"] };
  };
  return { mine: view(rows.find((r) => r.userId === userId)), theirs: view(rows.find((r) => r.userId !== userId)) };
}
