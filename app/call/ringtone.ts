// A small generated ringtone (two-tone burst every 2 s) with the Web Audio API:
// no audio file to ship. Browsers may keep it silent until the page had a click.
export function startRingtone(): () => void {
  const Ctx = typeof window !== "undefined" ? window.AudioContext : undefined;
  if (!Ctx) return () => undefined;
  let ctx: AudioContext | null = null;
  try {
    ctx = new Ctx();
  } catch {
    return () => undefined;
  }
  const audio = ctx;
  const burst = () => {
    const t0 = audio.currentTime;
    for (const [i, freq] of [440, 480].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.08, t0 + 0.05);
      gain.gain.setValueAtTime(0.08, t0 + 0.9);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 1.0);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + i * 0.001);
      osc.stop(t0 + 1.05);
    }
  };
  burst();
  const timer = setInterval(burst, 2000);
  return () => {
    clearInterval(timer);
    void audio.close().catch(() => undefined);
  };
}
