"use client";
import { LogOut, Monitor, Smartphone } from "lucide-react";
import { useFormatter, useNow, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useErrorMessage } from "@/app/lib/error-message";
import { signOutNow } from "@/app/lib/sign-out";
import { Button } from "@/app/ui/button";
import { ConfirmDialog } from "@/app/ui/confirm-dialog";
import { notify } from "@/app/ui/notify";
import type { SessionView } from "@/server/account/service";
import { send } from "./use-account";

/** Shown as "Active now" when seen this recently (a session's lastSeenAt is written every few minutes). */
const ACTIVE_NOW_MS = 5 * 60_000;

/**
 * The user's signed-in browsers, this one first: what and where (browser and
 * system from its user agent, its IP address), when it was last active and
 * signed in, and a Sign out button each; then "Sign out everywhere else".
 */
export function SessionList({ sessions, onChanged }: { sessions: SessionView[] | null; onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const format = useFormatter();
  const errorText = useErrorMessage();
  const now = useNow({ updateInterval: 60_000 });
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  const [confirmOthers, setConfirmOthers] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  const deviceName = (s: SessionView) =>
    s.browser && s.system ? t("device", { browser: s.browser, system: s.system }) : (s.browser ?? s.system ?? t("unknownDevice"));
  const lastActive = (s: SessionView) => {
    const at = new Date(s.lastSeenAt);
    return now.getTime() - at.getTime() < ACTIVE_NOW_MS ? t("activeNow") : t("lastActive", { when: format.relativeTime(at, now) });
  };

  async function signOutSession(s: SessionView) {
    if (s.current) return void signOutNow();
    setBusy(s.id);
    const answer = await send("DELETE", `/api/account/sessions/${encodeURIComponent(s.id)}`);
    setBusy(null);
    if (answer?.ok) notify.success(t("sessionEnded", { device: deviceName(s) }));
    else if (answer?.code === "not_found") notify.success(t("sessionGone"));
    else notify.error(errorText(answer));
    await onChanged();
  }

  async function signOutOthers() {
    setBusy("others");
    const answer = await send("DELETE", "/api/account/sessions");
    setBusy(null);
    if (answer?.ok) notify.success(t("signedOutOthers", { count: Number(answer.ended ?? 0) }));
    else notify.error(errorText(answer));
    await onChanged();
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section aria-labelledby="sessions-heading" className="space-y-3">
      <div>
        <h2 id="sessions-heading" className="text-base font-semibold">
          {t("sessionsTitle")}
        </h2>
        <p className="mt-1 text-sm text-muted">{t("sessionsBody")}</p>
      </div>
      <ul aria-label={t("sessionsLabel")} className="divide-y divide-border overflow-hidden rounded-card bg-surface ring-1 ring-border empty:hidden">
        {sessions?.map((s) => {
          const Icon = s.mobile ? Smartphone : Monitor;
          const device = deviceName(s);
          const active = lastActive(s);
          return (
            // On a phone the button wraps below the text rather than squeezing it.
            <li key={s.id} className="flex flex-wrap items-center gap-3 px-3 py-3 sm:flex-nowrap sm:px-4">
              <span aria-hidden className="inline-flex size-10 shrink-0 items-center justify-center rounded-full bg-surface-2 text-muted">
                <Icon size={20} />
              </span>
              <span className="flex min-w-52 flex-1 flex-col">
                <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <span className="truncate font-semibold">{device}</span>
                  {s.current && (
                    <span className="rounded-full bg-brand-soft px-2 py-0.5 text-xs font-semibold text-brand-text">{t("thisDevice")}</span>
                  )}
                </span>
                <span className="text-sm text-muted">
                  {active}
                  {s.ip && <> · {t("ipAddress", { ip: s.ip })}</>}
                </span>
                <span className="text-sm text-muted">
                  {t("signedInOn", { date: format.dateTime(new Date(s.createdAt), { dateStyle: "medium", timeStyle: "short", timeZone }) })}
                </span>
              </span>
              <Button
                variant="secondary"
                className="ml-auto shrink-0"
                disabled={busy !== null}
                aria-label={s.current ? t("signOutThisDevice") : t("signOutSession", { device, when: active })}
                onClick={() => void signOutSession(s)}
              >
                <LogOut aria-hidden size={18} />
                {t("signOut")}
              </Button>
            </li>
          );
        })}
      </ul>
      {others > 0 && (
        <Button variant="secondary" disabled={busy !== null} onClick={() => setConfirmOthers(true)}>
          {t("signOutOthers")}
        </Button>
      )}
      <ConfirmDialog
        open={confirmOthers}
        onOpenChange={setConfirmOthers}
        title={t("confirmSignOutOthersTitle")}
        description={t("confirmSignOutOthersBody")}
        confirmLabel={t("confirmSignOutOthers")}
        onConfirm={signOutOthers}
      />
    </section>
  );
}
