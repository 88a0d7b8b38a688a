"use client";
import { ChevronDown, Languages } from "lucide-react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useId } from "react";
import { LOCALES, type Locale } from "@/i18n/locales";
import { rememberLocale } from "@/i18n/remember-locale";

/**
 * The language picker of the signed-out pages: a native <select>, so those
 * pages load no menu or tooltip code (their first-load JavaScript is the
 * budget's tightest); the signed-in header uses the menu (LanguageSwitch).
 */
export function LanguageSelect() {
  const t = useTranslations("language");
  const current = useLocale();
  const router = useRouter();
  const id = useId();
  return (
    <span className="relative inline-flex items-center">
      <label htmlFor={id} className="sr-only">
        {t("label")}
      </label>
      <Languages aria-hidden size={18} className="pointer-events-none absolute left-3 text-fg" />
      <select
        id={id}
        value={current}
        onChange={(e) => {
          rememberLocale(e.target.value as Locale);
          router.refresh();
        }}
        className="min-h-tap min-w-tap cursor-pointer appearance-none rounded-control bg-transparent py-0 pl-9 pr-8 text-sm font-medium text-fg hover:bg-surface-2"
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {t(locale)}
          </option>
        ))}
      </select>
      <ChevronDown aria-hidden size={16} className="pointer-events-none absolute right-2.5 text-muted" />
    </span>
  );
}
