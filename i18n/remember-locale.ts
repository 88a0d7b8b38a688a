// The language switch's one side effect: the NEXT_LOCALE cookie that
// i18n/request.ts reads on every request. A year, so the choice sticks.
import { LOCALE_COOKIE, type Locale } from "./locales";

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

export function rememberLocale(locale: Locale): void {
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax`;
}
