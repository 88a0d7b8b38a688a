"use client";
import { LogOut, Settings, Video } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCalls } from "@/app/call/call-provider";
import { Avatar } from "@/app/ui/avatar";
import { LanguageSwitch } from "@/app/ui/language-switch";
import { Tooltip } from "@/app/ui/tooltip";
import { OfflineBanner } from "./offline-banner";
import { useUnseenMissed } from "./use-unseen-missed";

/** next-auth's client (≈12 KB) is only needed here: fetched when Sign out is pressed. */
async function signOutNow(): Promise<void> {
  const { signOut } = await import("next-auth/react");
  await signOut({ callbackUrl: "/signin" });
}

const NAV_LINK =
  "inline-flex min-h-tap min-w-tap items-center justify-center rounded-control px-3 text-sm font-semibold text-muted hover:bg-surface-2 hover:text-fg aria-[current=page]:bg-brand-soft aria-[current=page]:text-brand-text";

/**
 * The signed-in header: brand, Contacts / History (with the missed-call
 * badge), who is signed in, language, Settings, Sign out; then the offline banner.
 * One row at 390 px: the name is shown from `sm` up (truncated), the rest
 * are 44 px targets.
 */
export function Header({ offline }: { offline: boolean }) {
  const t = useTranslations("nav");
  const tc = useTranslations("common");
  const { me, historyVersion } = useCalls();
  const pathname = usePathname();
  const missed = useUnseenMissed(historyVersion, pathname);
  return (
    <header className="sticky top-0 z-30 border-b border-border bg-surface/95 backdrop-blur">
      <nav aria-label={t("main")} className="mx-auto flex h-16 max-w-3xl items-center gap-1 px-3 sm:gap-2 sm:px-6">
        <span className="mr-1 flex items-center gap-2 sm:mr-3">
          <span aria-hidden className="inline-flex size-8 items-center justify-center rounded-lg bg-brand text-on-brand">
            <Video size={18} />
          </span>
          <span className="hidden text-lg font-bold tracking-tight sm:inline">{tc("appName")}</span>
        </span>
        <Link href="/" aria-current={pathname === "/" ? "page" : undefined} className={NAV_LINK}>
          {t("contacts")}
        </Link>
        <span className="relative">
          <Link href="/history" aria-current={pathname === "/history" ? "page" : undefined} className={NAV_LINK}>
            {t("history")}
          </Link>
          {missed > 0 && (
            // Outside the link, so the link's name stays "History"; a named status of
            // its own (a plain span may not carry aria-label), announced when it changes.
            <span
              role="status"
              aria-label={t("unseenMissed")}
              className="absolute -right-1 top-0 inline-flex min-w-5 items-center justify-center rounded-full bg-danger px-1.5 text-xs font-bold leading-5 text-white ring-2 ring-surface"
            >
              {missed}
            </span>
          )}
        </span>
        <span className="ml-auto hidden min-w-0 items-center gap-2 sm:flex" title={t("signedInAs", { name: me.name })}>
          <Avatar id={me.id} name={me.name} size="sm" />
          <span className="max-w-40 truncate text-sm text-muted">{me.name}</span>
        </span>
        <span className="ml-auto flex items-center gap-1 sm:ml-2">
          <LanguageSwitch />
          <Tooltip label={t("settings")}>
            <Link
              href="/settings"
              aria-label={t("settings")}
              aria-current={pathname === "/settings" ? "page" : undefined}
              className="inline-flex min-h-tap min-w-tap items-center justify-center rounded-control text-fg hover:bg-surface-2 aria-[current=page]:bg-brand-soft aria-[current=page]:text-brand-text"
            >
              <Settings aria-hidden size={20} />
            </Link>
          </Tooltip>
          <Tooltip label={t("signOut")}>
            <button
              type="button"
              onClick={() => void signOutNow()}
              className="inline-flex min-h-tap min-w-tap items-center justify-center gap-2 rounded-control px-2.5 text-sm font-semibold text-fg hover:bg-surface-2"
            >
              <LogOut aria-hidden size={20} />
              {/* The name is "Sign out" at every width; the word shows from `sm` up. */}
              <span className="sr-only sm:not-sr-only">{t("signOut")}</span>
            </button>
          </Tooltip>
        </span>
      </nav>
      <OfflineBanner offline={offline} />
    </header>
  );
}
