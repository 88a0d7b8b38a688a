import { CircleAlert } from "lucide-react";

/** A form-level problem (not about one field): wrong password, server unreachable. */
export function FormAlert({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="alert" className="mb-4 flex items-start gap-2 rounded-control bg-danger-soft p-3 text-sm font-medium text-danger-text">
      <CircleAlert aria-hidden size={18} className="mt-px shrink-0" />
      {text}
    </p>
  );
}
