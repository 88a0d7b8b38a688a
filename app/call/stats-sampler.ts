// The one reader of a call's getStats(): polls the peer connection once a
// second while the call is live and turns each report into ConnectionStats
// (rates need the report before, kept here). Everything that wants numbers
// about the connection subscribes to it instead of calling getStats itself:
// the quality indicator and its details (quality.ts), the sender adaptation
// (quality-adapter.ts), and later the per-call quality record. It starts
// with the call's live session and stops with it (call-services.ts).

/** How often the connection is sampled. */
export const SAMPLE_INTERVAL_MS = 1000;

export type VideoFlow = { width: number; height: number; fps: number };

/** One second of the connection, as the person's details panel shows it. */
export type ConnectionStats = {
  /** When it was read (ms since the epoch). */
  at: number;
  /** Round-trip time on the selected candidate pair (ICE consent checks), or from RTCP when that is missing. */
  rttMs: number | null;
  /** Packets of ours the other side lost (RTCP receiver reports), in percent. */
  lossOutPercent: number | null;
  /** Packets from the other side lost on their way here in the last interval, in percent. */
  lossInPercent: number | null;
  /** Inter-arrival jitter of what we receive (audio, or video when there is no audio). */
  jitterMs: number | null;
  /** Bits per second of RTP payload sent / received (all media) in the last interval. */
  bitrateOut: number;
  bitrateIn: number;
  /** The video we send and the video we receive (null when there is none). */
  videoOut: VideoFlow | null;
  videoIn: VideoFlow | null;
  /** Why our encoder sends less than it could ("bandwidth", "cpu", "none"), as the browser says. */
  limitedBy: string | null;
  /** The browser's estimate of the bandwidth available for sending (bits/s). */
  availableOutgoingBitrate: number | null;
  /** Whether the media goes straight between the two browsers or through a TURN relay. */
  path: "direct" | "relayed" | null;
  /** Audio bytes received so far (a test and the record can see that audio keeps arriving). */
  audioBytesIn: number;
};

type Entry = { type: string; id: string; [key: string]: unknown };
/** Running totals per stats id, from the previous report. */
export type Totals = { at: number; byId: Map<string, Record<string, number>> };

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** ConnectionStats from one getStats() report (any iterable of its entries) and the totals of the report before it. */
export function readConnectionStats(entries: Iterable<Entry>, prev: Totals | null, at: number): { stats: ConnectionStats; totals: Totals } {
  const all = [...entries];
  const byKey = new Map(all.map((e) => [e.id, e]));
  const totals: Totals = { at, byId: new Map() };
  const seconds = prev ? Math.max(0.001, (at - prev.at) / 1000) : 0;
  /** How much `field` of `e` grew since the previous report (0 on the first one or after a reset). */
  const delta = (e: Entry, field: string): number => {
    const now = num(e[field]) ?? 0;
    let own = totals.byId.get(e.id);
    if (!own) totals.byId.set(e.id, (own = {}));
    own[field] = now;
    const before = prev?.byId.get(e.id)?.[field];
    return before === undefined || now < before ? 0 : now - before;
  };

  let bitsOut = 0;
  let bitsIn = 0;
  let lostIn = 0;
  let receivedIn = 0;
  let lossOut: number | null = null;
  let rtcpRtt: number | null = null;
  let audioJitter: number | null = null;
  let videoJitter: number | null = null;
  let audioBytesIn = 0;
  let videoOut: (VideoFlow & { bytes: number }) | null = null;
  let videoIn: (VideoFlow & { bytes: number }) | null = null;
  let limitedBy: string | null = null;

  for (const e of all) {
    if (e.type === "outbound-rtp") {
      const bytes = delta(e, "bytesSent");
      bitsOut += bytes * 8;
      if (e.kind === "video" && num(e.frameWidth) && (!videoOut || bytes > videoOut.bytes)) {
        videoOut = { width: num(e.frameWidth)!, height: num(e.frameHeight) ?? 0, fps: num(e.framesPerSecond) ?? 0, bytes };
        limitedBy = typeof e.qualityLimitationReason === "string" ? e.qualityLimitationReason : null;
      }
    } else if (e.type === "inbound-rtp") {
      const bytes = delta(e, "bytesReceived");
      bitsIn += bytes * 8;
      lostIn += delta(e, "packetsLost");
      receivedIn += delta(e, "packetsReceived");
      const jitter = num(e.jitter);
      if (e.kind === "audio") {
        audioBytesIn += num(e.bytesReceived) ?? 0;
        if (jitter !== undefined) audioJitter = Math.max(audioJitter ?? 0, jitter * 1000);
      } else if (e.kind === "video") {
        if (jitter !== undefined) videoJitter = Math.max(videoJitter ?? 0, jitter * 1000);
        if (num(e.frameWidth) && (!videoIn || bytes > videoIn.bytes)) {
          videoIn = { width: num(e.frameWidth)!, height: num(e.frameHeight) ?? 0, fps: num(e.framesPerSecond) ?? 0, bytes };
        }
      }
    } else if (e.type === "remote-inbound-rtp") {
      const fraction = num(e.fractionLost);
      if (fraction !== undefined) lossOut = Math.max(lossOut ?? 0, fraction * 100);
      const rtt = num(e.roundTripTime);
      if (rtt !== undefined) rtcpRtt = Math.max(rtcpRtt ?? 0, rtt * 1000);
    }
  }

  // The selected candidate pair: the transport names it (Chromium); else the nominated, succeeded one.
  const transport = all.find((e) => e.type === "transport" && typeof e.selectedCandidatePairId === "string");
  const pair =
    (transport && byKey.get(transport.selectedCandidatePairId as string)) ||
    all.find((e) => e.type === "candidate-pair" && e.nominated === true && e.state === "succeeded");
  const local = pair ? byKey.get(pair.localCandidateId as string) : undefined;
  const remote = pair ? byKey.get(pair.remoteCandidateId as string) : undefined;
  const pairRtt = pair ? num(pair.currentRoundTripTime) : undefined;
  const path = !pair ? null : local?.candidateType === "relay" || remote?.candidateType === "relay" ? "relayed" : "direct";

  const strip = (v: (VideoFlow & { bytes: number }) | null): VideoFlow | null => (v ? { width: v.width, height: v.height, fps: v.fps } : null);
  const stats: ConnectionStats = {
    at,
    rttMs: pairRtt !== undefined ? pairRtt * 1000 : rtcpRtt,
    lossOutPercent: lossOut,
    lossInPercent: prev && lostIn + receivedIn > 0 ? (100 * lostIn) / (lostIn + receivedIn) : null,
    jitterMs: audioJitter ?? videoJitter,
    bitrateOut: prev ? bitsOut / seconds : 0,
    bitrateIn: prev ? bitsIn / seconds : 0,
    videoOut: strip(videoOut),
    videoIn: strip(videoIn),
    limitedBy,
    availableOutgoingBitrate: (pair && num(pair.availableOutgoingBitrate)) ?? null,
    path,
    audioBytesIn,
  };
  return { stats, totals };
}

/** Polls one peer connection's getStats() every SAMPLE_INTERVAL_MS between start() and stop(). */
export class StatsSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private totals: Totals | null = null;
  private last: ConnectionStats | null = null;
  private readonly listeners = new Set<(s: ConnectionStats) => void>();
  private reading = false;

  constructor(
    private readonly pc: Pick<RTCPeerConnection, "getStats" | "connectionState">,
    private readonly intervalMs = SAMPLE_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** The latest sample (null before the first). */
  latest(): ConnectionStats | null {
    return this.last;
  }

  subscribe(fn: (s: ConnectionStats) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private async sample(): Promise<void> {
    // A slow getStats (a busy machine) never stacks up a second one.
    if (this.reading || this.pc.connectionState === "closed") return;
    this.reading = true;
    try {
      const report = await this.pc.getStats();
      if (this.timer === undefined) return;
      const { stats, totals } = readConnectionStats(report.values() as Iterable<Entry>, this.totals, Date.now());
      this.totals = totals;
      this.last = stats;
      for (const fn of this.listeners) fn(stats);
    } catch {
      // closed between the check and the call: the next tick (if any) tries again
    } finally {
      this.reading = false;
    }
  }
}
