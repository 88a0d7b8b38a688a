import { Users } from "lucide-react";
import { useTranslations } from "next-intl";

/** What a new account sees instead of an empty list: what contacts are for and how to get one. */
export function EmptyContacts() {
  const t = useTranslations("contacts");
  return (
    <div className="flex flex-col items-center rounded-card border border-dashed border-border bg-surface px-6 py-10 text-center">
      <span aria-hidden className="mb-4 inline-flex size-16 items-center justify-center rounded-full bg-brand-soft text-brand-text">
        <Users size={30} />
      </span>
      <p className="text-lg font-semibold">{t("emptyTitle")}</p>
      <p className="mt-1 max-w-sm text-sm text-muted">{t("emptyBody")}</p>
    </div>
  );
}
