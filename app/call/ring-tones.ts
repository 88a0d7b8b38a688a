// Generated call sounds with the Web Audio API (no audio files to ship): the
// callee's ringtone and the caller's ringback tone. Browsers may keep them
// silent until the page had a click.

type Tone = { freqs: number[]; on: number; every: number; gain: number };

/** The callee's ring: a two-tone burst every 2 s. */
const RINGTONE: Tone = { freqs: [440, 480], on: 1.0, every: 2000, gain: 0.08 };
/** The caller hears the line ringing: softer, 2 s on, 4 s off (the North American ringback cadence). */
const RINGBACK: Tone = { freqs: [440, 480], on: 2.0, every: 6000, gain: 0.03 };

export const startRingtone = (): (() => void) => play(RINGTONE);
export const startRingback = (): (() => void) => play(RINGBACK);

function play(tone: Tone): () => void {
  const Ctx = typeof window !== "undefined" ? window.AudioContext : undefined;
  if (!Ctx) return () => undefined;
  let ctx: AudioContext;
  try {
    ctx = new Ctx();
  } catch {
    return () => undefined;
  }
  const burst = () => {
    const t0 = ctx.currentTime;
    for (const freq of tone.freqs) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(tone.gain, t0 + 0.05);
      gain.gain.setValueAtTime(tone.gain, t0 + tone.on - 0.1);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + tone.on);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + tone.on + 0.05);
    }
  };
  burst();
  const timer = setInterval(burst, tone.every);
  return () => {
    clearInterval(timer);
    void ctx.close().catch(() => undefined);
  };
}
