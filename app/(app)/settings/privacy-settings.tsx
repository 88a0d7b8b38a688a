"use client";
// Settings › Privacy: "Hide my IP address from the people I call". Saved on
// the server (it also enforces it, server/privacy.ts) and applied to this
// tab's call client at once; unavailable, with the reason, without TURN.
import { ShieldOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { useCallClient } from "@/app/call/call-provider";
import { notify } from "@/app/ui/notify";

type State = { hideIp: boolean; available: boolean } | null;

export function PrivacySettings() {
  const t = useTranslations("privacy");
  const client = useCallClient();
  const id = useId();
  const [state, setState] = useState<State>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    void fetch("/api/settings/privacy")
      .then((r) => r.json() as Promise<{ ok: boolean; hideIp: boolean; available: boolean }>)
      .then((r) => live && r.ok && setState({ hideIp: r.hideIp, available: r.available }))
      .catch(() => live && notify.error(t("saveFailed")));
    return () => {
      live = false;
    };
  }, [t]);

  async function change(hideIp: boolean) {
    setSaving(true);
    try {
      const res = await fetch("/api/settings/privacy", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ hideIp }) });
      if (!res.ok) throw new Error(String(res.status));
      setState((s) => (s ? { ...s, hideIp } : s));
      client.setHideIp(hideIp);
      notify.success(hideIp ? t("savedOn") : t("savedOff"));
    } catch {
      notify.error(t("saveFailed"));
    } finally {
      setSaving(false);
    }
  }

  const disabled = !state || !state.available || saving;
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-2xl bg-surface p-5 shadow-sm ring-1 ring-border">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {t("title")}
      </h2>
      <div className="mt-4 flex items-start justify-between gap-4">
        <div className="min-w-0">
          <label htmlFor={`${id}-hide-ip`} className="font-medium">
            {t("hideIp")}
          </label>
          <p id={`${id}-help`} className="mt-1 text-sm text-muted">
            {t("hideIpHelp")}
          </p>
          {state && !state.available && (
            <p className="mt-2 flex items-start gap-2 rounded-control bg-warning-soft px-3 py-2 text-sm text-warning-text">
              <ShieldOff aria-hidden size={16} className="mt-0.5 shrink-0" />
              {t("unavailable")}
            </p>
          )}
        </div>
        {/* A native checkbox with the switch role: keyboard and screen readers for free. */}
        <span className="relative inline-flex min-h-tap shrink-0 items-center">
          <input
            id={`${id}-hide-ip`}
            type="checkbox"
            role="switch"
            aria-describedby={`${id}-help`}
            checked={state?.hideIp ?? false}
            disabled={disabled}
            onChange={(e) => void change(e.target.checked)}
            className="peer absolute inset-0 z-10 m-0 h-full w-full cursor-pointer opacity-0 disabled:cursor-not-allowed"
          />
          <span
            aria-hidden
            className="h-7 w-12 rounded-full bg-border transition-colors peer-checked:bg-brand peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-focus peer-disabled:opacity-50 after:absolute after:left-1 after:top-1/2 after:size-5 after:-translate-y-1/2 after:rounded-full after:bg-white after:shadow after:transition-transform peer-checked:after:translate-x-5"
          />
        </span>
      </div>
    </section>
  );
}
