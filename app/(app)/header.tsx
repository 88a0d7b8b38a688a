"use client";
import { ChevronDown, LogOut, Settings, UserCog, Video } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCalls } from "@/app/call/call-provider";
import { signOutNow } from "@/app/lib/sign-out";
import { Avatar } from "@/app/ui/avatar";
import { LanguageSwitch } from "@/app/ui/language-switch";
import { Menu } from "@/app/ui/menu";
import { Tooltip } from "@/app/ui/tooltip";
import { OfflineBanner } from "./offline-banner";
import { useUnseenMissed } from "./use-unseen-missed";

const NAV_LINK =
  "inline-flex min-h-tap min-w-tap items-center justify-center rounded-control px-3 text-sm font-semibold text-muted hover:bg-surface-2 hover:text-fg aria-[current=page]:bg-brand-soft aria-[current=page]:text-brand-text";

/**
 * The signed-in header: brand, Contacts / History (with the missed-call
 * badge), language, Settings, and the user menu (who is signed in: Account,
 * Sign out); then the offline banner. One row at 390 px: the name is shown
 * from `sm` up (truncated), the rest are 44 px targets.
 */
export function Header({ offline }: { offline: boolean }) {
  const t = useTranslations("nav");
  const tc = useTranslations("common");
  const { me, historyVersion } = useCalls();
  const pathname = usePathname();
  const router = useRouter();
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
        <span className="ml-auto flex min-w-0 items-center gap-1 sm:gap-2">
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
          <Menu
            trigger={
              // Its name holds the name it shows (label in name); the avatar alone from `sm` down.
              <button
                type="button"
                aria-label={t("userMenu", { name: me.name })}
                className="inline-flex min-h-tap min-w-tap items-center justify-center gap-2 rounded-control px-1.5 text-sm text-muted hover:bg-surface-2 sm:px-2"
              >
                <Avatar id={me.id} name={me.name} size="sm" />
                <span className="hidden max-w-40 truncate sm:inline">{me.name}</span>
                <ChevronDown aria-hidden size={16} className="hidden shrink-0 sm:block" />
              </button>
            }
            items={[
              { label: t("account"), icon: UserCog, onSelect: () => router.push("/account") },
              { label: t("signOut"), icon: LogOut, onSelect: () => void signOutNow() },
            ]}
          />
        </span>
      </nav>
      <OfflineBanner offline={offline} />
    </header>
  );
}
