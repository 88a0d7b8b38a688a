"use client";
import { useTranslations } from "next-intl";
import type { Presence } from "@/server/protocol/events";

export type ShownPresence = Presence | "unknown";

const DOT: Record<ShownPresence, string> = {
  online: "bg-presence-online",
  "in-call": "bg-presence-busy",
  offline: "bg-presence-off",
  // Hollow: we do not know (we are offline ourselves), which is not "offline".
  unknown: "border-2 border-presence-off bg-transparent",
};

/** A coloured dot and the word for it: colour is never the only signal. */
export function PresenceLabel({ presence }: { presence: ShownPresence }) {
  const t = useTranslations("presence");
  return (
    // No italics for "unknown": slanted CJK text is a synthetic, hard-to-read oblique.
    <span className="inline-flex items-center gap-1.5 text-sm text-muted">
      <span aria-hidden className={`size-2.5 shrink-0 rounded-full ${DOT[presence]}`} />
      {t(presence)}
    </span>
  );
}
