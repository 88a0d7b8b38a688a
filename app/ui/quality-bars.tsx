import type { QualityLevel } from "@/server/quality/record";

const BAR_COLOR: Record<QualityLevel, string> = { good: "bg-emerald-500", fair: "bg-amber-400", poor: "bg-red-500" };
const LIT: Record<QualityLevel, number> = { good: 3, fair: 2, poor: 1 };

/**
 * A connection's level as three bars (decorative: the words go next to it or
 * in an accessible name). `unlit`: the colour of the bars a level does not
 * light, for the surface it sits on.
 */
export function QualityBars({ level, unlit = "bg-border" }: { level: QualityLevel | null; unlit?: string }) {
  return (
    <span aria-hidden className="flex h-4 items-end gap-0.5">
      {[1, 2, 3].map((n) => (
        <span key={n} className={`w-1 rounded-sm ${level && n <= LIT[level] ? BAR_COLOR[level] : unlit}`} style={{ height: `${n * 33}%` }} />
      ))}
    </span>
  );
}
