// Types every t("…") key against the English catalogue: a typo or a missing
// message is a compile error (tests/unit/i18n-keys.test.ts keeps zh-CN in step).
import type messages from "../messages/en.json";
import type { Locale } from "./locales";

declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
