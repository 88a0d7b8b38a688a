// Initials on a colour that stays the same for a person everywhere (derived
// from their id, not their name, so two "Alex"es differ and a rename keeps it).

/** Background colours with white text ≥ 4.5:1 (WCAG AA) in both schemes. */
const COLOURS = ["#0f766e", "#1d4ed8", "#7c3aed", "#be185d", "#b45309", "#15803d", "#4338ca", "#0369a1", "#a21caf", "#c2410c"];

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  // Chinese names read as one word: its first character is the usual monogram.
  const first = [...words[0]!][0] ?? "?";
  const second = words.length > 1 ? ([...words[words.length - 1]!][0] ?? "") : "";
  return (first + second).toUpperCase();
}

const SIZES = { sm: "size-8 text-xs", md: "size-10 text-sm", lg: "size-12 text-base", xl: "size-24 text-3xl", "2xl": "size-32 text-5xl" } as const;

/** Decorative: the name is always written next to it, so screen readers skip it. */
export function Avatar({ id, name, size = "md" }: { id: string; name: string; size?: keyof typeof SIZES }) {
  return (
    <span
      aria-hidden
      style={{ backgroundColor: COLOURS[hash(id) % COLOURS.length] }}
      className={`inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white ${SIZES[size]}`}
    >
      {initials(name)}
    </span>
  );
}
