// The languages Dialtone speaks and how a request picks one. Pure (no Next
// imports) so the unit tests and the request config share it.
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Set by the language switch; next-intl's own cookie name, so its tooling recognises it. */
export const LOCALE_COOKIE = "NEXT_LOCALE";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The cookie wins (an explicit choice); otherwise the browser's first
 * language: any Chinese (zh, zh-CN, zh-TW, …) gets Simplified Chinese, the
 * only Chinese we have, everything else English. Only the first entry of
 * Accept-Language counts: a visitor who prefers French over Chinese reads
 * English more likely than Chinese.
 */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const first = (acceptLanguage ?? "").split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("zh") ? "zh-CN" : DEFAULT_LOCALE;
}
