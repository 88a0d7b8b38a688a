// The call's quality record (server/quality/record.ts), gathered on this side
// while the call is live: it listens to the stats sampler of each peer
// connection the call has on this page (a new one after a reload or a rejoin
// counts as a reconnection) and, when the call ends, sums it up. CallClient
// sends the record (POST /api/calls/{id}/quality) and shows it on the
// end-of-call sheet. Only connected seconds count: set-up and reconnections
// say nothing about the path's quality, and they are counted on their own.
import { rateRecord, type FailureStep, type QualityLevel, type QualityRecord } from "@/server/quality/record";
import type { PeerSession } from "./peer-session";
import type { ConnectionStats, StatsSampler } from "./stats-sampler";

/** Two hours of one-second samples: the median of a longer call is taken over its first two hours. */
const MAX_RTT_SAMPLES = 7_200;
/** A call that never connected within this long after it was answered failed at ICE, even if the browser never said "failed". */
export const ICE_GIVE_UP_MS = 15_000;

export type CallEnd = {
  /** How this tab's call ended (types.ts EndedCall["endedBy"]). */
  endedBy: "me" | "them" | "lost" | "elsewhere";
  /** Neither camera nor microphone could be used (local-media.ts "allDenied"). */
  mediaDenied: boolean;
  /** Milliseconds since the call was answered. */
  answeredForMs: number;
};

/** The record and its level, rated as the server rates it. */
export type QualitySummary = { record: QualityRecord; level: QualityLevel | null };

export class QualityRecorder {
  private readonly rtts: number[] = [];
  private rttMax: number | null = null;
  private lossSum = 0;
  private lossSamples = 0;
  private bitsOut = 0;
  private bitsIn = 0;
  private connectedSamples = 0;
  private video: { width: number; height: number; fps: number } | null = null;
  private path: "direct" | "relayed" | null = null;
  private setupMs: number | null = null;
  private everConnected = false;
  private sawFailure = false;
  private reconnections = 0;
  private iceRestartsBefore = 0;
  private session: PeerSession | null = null;
  private detach: (() => void) | null = null;

  constructor(readonly callId: string) {}

  /** Follow a peer connection of this call (and its sampler); the one before, if any, is let go. */
  attach(session: PeerSession, sampler: StatsSampler): void {
    if (this.session === session) return;
    if (this.session) {
      this.iceRestartsBefore += this.session.iceRestarts;
      // A new connection for a call that had one connected: the page reloaded or rejoined.
      if (this.everConnected) this.reconnections++;
    }
    this.detach?.();
    this.session = session;
    let wasConnected = session.getState() === "connected";
    const offState = session.on("state", (state) => {
      if (state === "connected") this.everConnected = true;
      else if (state === "reconnecting") {
        if (wasConnected) this.reconnections++;
        if (!this.everConnected) this.sawFailure = true;
      }
      wasConnected = state === "connected";
    });
    const offStats = sampler.subscribe((s) => {
      if (session.getState() === "connected") this.sample(s);
    });
    this.detach = () => {
      offState();
      offStats();
    };
  }

  /** The time from Accept to the first remote frame (CallClient.reportFirstFrame). */
  firstFrame(ms: number): void {
    this.setupMs ??= ms;
  }

  private sample(s: ConnectionStats): void {
    this.everConnected = true;
    this.connectedSamples++;
    if (s.rttMs !== null) {
      if (this.rtts.length < MAX_RTT_SAMPLES) this.rtts.push(s.rttMs);
      this.rttMax = Math.max(this.rttMax ?? 0, s.rttMs);
    }
    if (s.lossInPercent !== null) {
      this.lossSum += s.lossInPercent;
      this.lossSamples++;
    }
    this.bitsOut += s.bitrateOut;
    this.bitsIn += s.bitrateIn;
    const v = s.videoIn;
    if (v && v.width * v.height >= (this.video ? this.video.width * this.video.height : 0)) {
      this.video = { width: v.width, height: v.height, fps: Math.max(this.video?.fps ?? 0, Math.round(v.fps)) };
    }
    if (s.path) this.path = s.path;
  }

  /** Stop listening and sum the call up. */
  finish(end: CallEnd): QualitySummary {
    this.detach?.();
    this.detach = null;
    const iceRestarts = this.iceRestartsBefore + (this.session?.iceRestarts ?? 0);
    this.session = null;
    const n = this.connectedSamples;
    const sorted = [...this.rtts].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x);
    const record: QualityRecord = {
      setupMs: this.setupMs === null ? null : Math.min(600_000, round(this.setupMs)),
      path: this.path,
      rttMedianMs: sorted.length ? round((sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.floor(sorted.length / 2)]!) / 2) : null,
      rttMaxMs: this.rttMax === null ? null : round(this.rttMax),
      lossPercent: this.lossSamples ? Math.round((this.lossSum / this.lossSamples) * 100) / 100 : null,
      bitrateOutKbps: n ? round(this.bitsOut / n / 1000) : null,
      bitrateInKbps: n ? round(this.bitsIn / n / 1000) : null,
      videoWidth: this.video?.width ?? null,
      videoHeight: this.video?.height ?? null,
      fps: this.video?.fps ?? null,
      iceRestarts: Math.min(10_000, iceRestarts),
      reconnections: Math.min(10_000, this.reconnections),
      connectedSeconds: n,
      failure: failureStep(end, this.everConnected, this.sawFailure),
    };
    return { record, level: rateRecord(record) };
  }
}

/** Where the call failed for this side, if it did: no media at all, never connected, or the server lost the call. */
export function failureStep(end: CallEnd, everConnected: boolean, sawIceFailure: boolean): FailureStep | null {
  if (end.mediaDenied) return "media_permission";
  if (!everConnected && (sawIceFailure || end.answeredForMs >= ICE_GIVE_UP_MS)) return "ice";
  if (end.endedBy === "lost") return "signaling";
  return null;
}
