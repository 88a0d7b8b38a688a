// How good the connection is, from the stats sampler's numbers: one rule
// (rateConnection) for the indicator, the other side's "Poor connection"
// label and the sender adaptation, and a small store (ConnectionQuality)
// that steadies what the person sees: worse shows at once, better only once
// it has lasted UPGRADE_AFTER samples, so the bars do not flicker.
import { levelAbove, QUALITY_THRESHOLDS, type QualityLevel } from "@/server/quality/record";
import type { ConnectionStats, StatsSampler } from "./stats-sampler";

export type { QualityLevel } from "@/server/quality/record";
/** The thresholds, stated once for the indicator and the per-call record (server/quality/record.ts). */
export const THRESHOLDS = QUALITY_THRESHOLDS;

const RANK: Record<QualityLevel, number> = { good: 0, fair: 1, poor: 2 };
const worst = (...levels: QualityLevel[]): QualityLevel => levels.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), "good");

const above = (value: number | null, t: { fair: number; poor: number }): QualityLevel => levelAbove(value, t) ?? "good";

function below(value: number | null, t: { fair: number; poor: number }): QualityLevel {
  if (value === null) return "good";
  return value < t.poor ? "poor" : value < t.fair ? "fair" : "good";
}

export type Rating = {
  /** The connection as a whole, both directions. */
  level: QualityLevel;
  /** What we send only (what the sender adaptation steps down on). */
  send: QualityLevel;
  /**
   * What the path does to what we send (RTT, our packets lost), without the
   * encoder's bandwidth limit: the adaptation steps back up on it, since its
   * own ceiling keeps the encoder bandwidth-limited.
   */
  link: QualityLevel;
};

/** Rates one sample. */
export function rateConnection(s: ConnectionStats): Rating {
  const rtt = above(s.rttMs, THRESHOLDS.rttMs);
  const lossOut = above(s.lossOutPercent, THRESHOLDS.lossPercent);
  const lossIn = above(s.lossInPercent, THRESHOLDS.lossPercent);
  const jitter = above(s.jitterMs, THRESHOLDS.jitterMs);
  // Only while our video is actually held back by bandwidth: a low estimate alone means nothing (audio calls send little).
  const bandwidth = s.videoOut && s.limitedBy === "bandwidth" ? below(s.availableOutgoingBitrate, THRESHOLDS.availableBps) : "good";
  const link = worst(rtt, lossOut);
  const send = worst(link, bandwidth);
  return { send, link, level: worst(send, lossIn, jitter) };
}

/** Samples in a row at a better level before the indicator shows it. */
export const UPGRADE_AFTER = 3;

export type QualitySnapshot = {
  /** What the indicator shows (steadied). */
  level: QualityLevel;
  /** The latest sample's own rating. */
  rating: Rating;
  stats: ConnectionStats;
  /** How far the sender adaptation has lowered our video (0: not at all), quality-adapter.ts. */
  reduced: number;
} | null;

/** The indicator's state for one live call: the sampler's numbers, rated and steadied; read with useSyncExternalStore. */
export class ConnectionQuality {
  private snap: QualitySnapshot = null;
  private better = 0;
  private reduced = 0;
  private readonly listeners = new Set<() => void>();
  private readonly off: () => void;

  constructor(sampler: StatsSampler) {
    this.off = sampler.subscribe((stats) => this.update(stats));
  }

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  readonly getSnapshot = (): QualitySnapshot => this.snap;

  /** The sender adaptation's step (shown in the details). */
  setReduced(step: number): void {
    this.reduced = step;
    if (this.snap) this.emit({ ...this.snap, reduced: step });
  }

  stop(): void {
    this.off();
    this.listeners.clear();
  }

  private update(stats: ConnectionStats): void {
    const rating = rateConnection(stats);
    const shown = this.snap?.level ?? "good";
    let level = shown;
    if (RANK[rating.level] >= RANK[shown]) {
      level = rating.level;
      this.better = 0;
    } else if (++this.better >= UPGRADE_AFTER) {
      level = rating.level;
      this.better = 0;
    }
    this.emit({ level, rating, stats, reduced: this.reduced });
  }

  private emit(snap: QualitySnapshot): void {
    this.snap = snap;
    for (const fn of this.listeners) fn();
  }
}
