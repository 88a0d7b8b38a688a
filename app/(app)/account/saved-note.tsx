import { CircleCheck } from "lucide-react";

/**
 * A form's confirmation, next to its button (a toast at the screen's edge is
 * easy to miss on a long page). The live region is always there, so a screen
 * reader hears the text when it appears; empty, it takes no room.
 */
export function SavedNote({ text }: { text: string | null }) {
  return (
    <p role="status" className="flex items-center gap-1.5 text-sm font-medium text-brand-text empty:hidden">
      {text && (
        <>
          <CircleCheck aria-hidden size={16} className="shrink-0" />
          <span>{text}</span>
        </>
      )}
    </p>
  );
}
