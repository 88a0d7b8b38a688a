// Keeps a call smooth on a poor link at the cost of picture: when what we
// send rates poor (or fair for a while), our video senders get a lower
// resolution, frame rate and bitrate ceiling (RTCRtpSender.setParameters:
// scaleResolutionDownBy, maxFramerate, maxBitrate), one step at a time,
// before the picture freezes and while the audio still gets through; when
// the link has been good again for a while and the browser's bandwidth
// estimate has room above what we send, one step back up, until the
// sender is as it was. The browser's own congestion control still does the
// fine work (and lowers the resolution further on its own when it must);
// these steps make it give up pixels early and firmly instead of letting
// frames queue and freeze. No renegotiation is involved.
import type { QualityLevel, Rating } from "./quality";

export type Step = { scaleResolutionDownBy: number; maxFramerate: number; maxBitrate: number };

/** Step 1.. of the ladder (step 0 is the sender as the call started). */
export const STEPS: readonly Step[] = [
  { scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300_000 },
  { scaleResolutionDownBy: 2, maxFramerate: 10, maxBitrate: 150_000 },
];

/**
 * A step up needs the bandwidth estimate this far above what we send now
 * (congestion control lets it grow to about 1.5x what gets through when the
 * link has room). A step up is also the probe: one that goes bad at once
 * steps back down and makes the next wait twice as long.
 */
export const HEADROOM = 1.25;

/** Samples in a row (one a second) before stepping down: poor, or fair. */
export const DOWN_AFTER: Record<Exclude<QualityLevel, "good">, number> = { poor: 2, fair: 4 };
/** Good samples in a row before stepping back up (doubled after a step up that went bad again, up to UP_AFTER_MAX). */
export const UP_AFTER = 3;
const UP_AFTER_MAX = 8;
/** With the estimate this far above what is sent, a step up goes all the way back (the link is clearly free again). */
const CLEARLY_FREE = 2;
/** A step up followed by a bad sample within this many samples was too soon. */
const TOO_SOON = 8;

/** The ladder's decisions, without senders: fed one rating a second, says which step to be on. */
export class AdaptationPolicy {
  step = 0;
  private poor = 0;
  private fair = 0;
  private good = 0;
  private upAfter = UP_AFTER;
  private sinceUp = Infinity;

  /** The step after this sample (`availableBps`: the browser's estimate for sending, when it has one; `sendingBps`: what we sent in the last second). */
  next({ send, link }: Rating, availableBps: number | null = null, sendingBps = 0): number {
    this.sinceUp++;
    this.poor = send === "poor" ? this.poor + 1 : 0;
    this.fair = send !== "good" ? this.fair + 1 : 0;
    this.good = link === "good" ? this.good + 1 : 0;
    if (send !== "good" && this.sinceUp <= TOO_SOON) {
      this.upAfter = Math.min(UP_AFTER_MAX, this.upAfter * 2);
      this.sinceUp = Infinity;
    }
    if (this.step < STEPS.length && (this.poor >= DOWN_AFTER.poor || this.fair >= DOWN_AFTER.fair)) {
      this.step++;
      this.poor = this.fair = this.good = 0;
    } else if (this.step > 0 && this.good >= this.upAfter && (availableBps === null || availableBps >= HEADROOM * sendingBps)) {
      this.step = availableBps !== null && sendingBps > 0 && availableBps >= CLEARLY_FREE * sendingBps ? 0 : this.step - 1;
      this.good = 0;
      this.sinceUp = 0;
    } else if (this.step === 0 && this.good >= UP_AFTER_MAX * 2) {
      this.upAfter = UP_AFTER;
    }
    return this.step;
  }
}

type Saved = { scaleResolutionDownBy?: number; maxFramerate?: number; maxBitrate?: number };

/** Applies the policy's step to the connection's video senders. */
export class QualityAdapter {
  private readonly policy = new AdaptationPolicy();
  private applied = 0;
  /** Each sender's first encoding as it was before the first step. */
  private readonly original = new WeakMap<RTCRtpSender, Saved>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly onStep: (step: number) => void = () => undefined,
  ) {}

  /** One rating (once a second, from the stats sampler) and the bandwidth estimate it was made with. */
  sample(rating: Rating, availableBps: number | null, sendingBps: number): void {
    const step = this.policy.next(rating, availableBps, sendingBps);
    if (step !== this.applied) {
      this.applied = step;
      this.onStep(step);
      this.chain = this.chain.then(() => this.apply(step)).catch(() => undefined);
    }
  }

  get step(): number {
    return this.applied;
  }

  private async apply(step: number): Promise<void> {
    if (this.pc.connectionState === "closed") return;
    const target = step === 0 ? null : STEPS[step - 1]!;
    for (const sender of this.pc.getSenders()) {
      if (sender.track?.kind !== "video") continue;
      const params = sender.getParameters();
      const enc = params.encodings?.[0];
      if (!enc) continue;
      if (!this.original.has(sender)) this.original.set(sender, { scaleResolutionDownBy: enc.scaleResolutionDownBy, maxFramerate: enc.maxFramerate, maxBitrate: enc.maxBitrate });
      const was = this.original.get(sender)!;
      // A shared screen keeps its resolution (text must stay readable): it gives up frames and bitrate only.
      const detail = sender.track.contentHint === "detail" || sender.track.contentHint === "text";
      set(enc, "scaleResolutionDownBy", target && !detail ? target.scaleResolutionDownBy : (was.scaleResolutionDownBy ?? 1));
      set(enc, "maxFramerate", target ? Math.min(target.maxFramerate, was.maxFramerate ?? Infinity) : was.maxFramerate);
      set(enc, "maxBitrate", target ? Math.min(target.maxBitrate, was.maxBitrate ?? Infinity) : was.maxBitrate);
      await sender.setParameters(params);
    }
  }
}

function set(enc: RTCRtpEncodingParameters, key: keyof Saved, value: number | undefined): void {
  if (value === undefined) delete enc[key];
  else enc[key] = value;
}
