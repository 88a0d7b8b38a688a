// A client can send thousands of refused events a second (garbage payloads,
// a flood past the rate limit). Each refusal is counted in the metrics; the
// log gets at most `perWindow` lines per key (event and code) per window, and
// the next line of that key says how many were left out, so a flood cannot
// fill the disk and an admin still sees that it happened.
export class LogSampler {
  private readonly windows = new Map<string, { start: number; logged: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** undefined: do not log this one. A number: log it, with this many left out before it. */
  take(key: string, now = Date.now()): number | undefined {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      const suppressed = w?.suppressed ?? 0;
      w = { start: now, logged: 0, suppressed };
      this.windows.set(key, w);
    }
    if (w.logged >= this.perWindow) {
      w.suppressed++;
      return undefined;
    }
    w.logged++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    return suppressed;
  }
}
