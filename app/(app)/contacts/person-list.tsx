import type { ReactNode } from "react";
import type { ContactPerson } from "@/server/contacts/service";

/** A titled card of people with per-person content; nothing when the list is empty. */
export function PersonList({
  id,
  title,
  label,
  people,
  children,
}: {
  id: string;
  title: string;
  /** The list's accessible name (tests and screen readers find it by this). */
  label: string;
  people: ContactPerson[] | undefined;
  children: (p: ContactPerson) => ReactNode;
}) {
  if (!people || people.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-2 flex items-center gap-2 text-base font-semibold">
        {title}
        <span className="rounded-full bg-surface-2 px-2 text-xs font-semibold text-muted">{people.length}</span>
      </h2>
      <ul aria-label={label} className="divide-y divide-border overflow-hidden rounded-card bg-surface ring-1 ring-border">
        {people.map((p) => (
          <li key={p.id} className="flex items-center gap-3 px-3 py-2.5 sm:px-4">
            {children(p)}
          </li>
        ))}
      </ul>
    </section>
  );
}
