"use client";
import { Languages } from "lucide-react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { LOCALES, type Locale } from "@/i18n/locales";
import { rememberLocale } from "@/i18n/remember-locale";
import { IconButton } from "./icon-button";
import { Menu } from "./menu";

/**
 * Picks the interface language: stores it in the NEXT_LOCALE cookie (read by
 * i18n/request.ts) and re-renders the page on the server; URLs do not change.
 * (The signed-out pages use LanguageSelect, a native select: no menu code.)
 */
export function LanguageSwitch() {
  const t = useTranslations("language");
  const current = useLocale();
  const router = useRouter();
  const choose = (locale: Locale) => {
    rememberLocale(locale);
    router.refresh();
  };
  const label = `${t("label")}: ${t(current as Locale)}`;
  return (
    <Menu
      trigger={<IconButton icon={Languages} label={label} />}
      items={LOCALES.map((locale) => ({
        label: t(locale),
        checked: locale === current,
        onSelect: () => choose(locale),
      }))}
    />
  );
}
