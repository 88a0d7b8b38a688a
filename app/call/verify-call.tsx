"use client";
// The call screen's Verify control: a chip in the top bar (Verify / Verified /
// Code changed; as tall as the status pill beside it, with a 44 px tap area) that opens the call's six-digit code, what to do with it, and
// "Codes match". State comes from the call client's verification store
// (call-verification.ts); this file only draws it.
import * as Popover from "@radix-ui/react-popover";
import { Shield, ShieldAlert, ShieldCheck } from "lucide-react";
import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { Button } from "@/app/ui/button";
import { useCallClient } from "./call-provider";

const CHIP: Record<"unverified" | "verified" | "changed", string> = {
  unverified: "bg-white/15 text-white hover:bg-white/25",
  verified: "bg-emerald-500/25 text-emerald-50 hover:bg-emerald-500/35",
  changed: "bg-amber-400 text-slate-950 hover:bg-amber-300",
};

export function VerifyCall({ name }: { name: string }) {
  const t = useTranslations("verify");
  const client = useCallClient();
  const v = useSyncExternalStore(client.verification.subscribe, client.verification.getSnapshot, client.verification.getSnapshot);
  if (!v.ready) return null;
  const Icon = v.trust === "verified" ? ShieldCheck : v.trust === "changed" ? ShieldAlert : Shield;
  return (
    <Popover.Root>
      <Popover.Trigger
        className={`relative inline-flex h-7 items-center gap-1.5 rounded-full px-2.5 text-sm font-medium before:absolute before:inset-x-0 before:-inset-y-2 before:content-[''] focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white ${CHIP[v.trust]}`}
      >
        <Icon aria-hidden size={16} />
        {t(`chip.${v.trust}`)}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="bottom"
          align="start"
          sideOffset={8}
          collisionPadding={12}
          aria-label={t("title", { name })}
          className="z-50 w-[min(22rem,calc(100vw-1.5rem))] rounded-2xl bg-surface p-5 text-fg shadow-2xl ring-1 ring-border"
        >
          <h3 className="text-base font-semibold">{t("title", { name })}</h3>
          {v.trust === "changed" && (
            <p role="alert" className="mt-3 rounded-xl bg-warning-soft p-3 text-sm text-warning-text">
              {t("changed", { name })}
            </p>
          )}
          <p className="mt-4 text-center font-mono text-4xl font-semibold tracking-widest tabular-nums" data-testid="verify-code">
            {v.code}
          </p>
          <p className="mt-4 text-sm text-muted">{t("howTo", { name })}</p>
          {v.trust === "verified" ? (
            <div className="mt-4 flex items-center justify-between gap-3">
              <p className="flex items-center gap-1.5 text-sm font-medium text-success-text">
                <ShieldCheck aria-hidden size={16} />
                {t("verifiedOnDevice", { name })}
              </p>
              <Button variant="ghost" onClick={() => client.verification.revoke()}>
                {t("undo")}
              </Button>
            </div>
          ) : (
            <Button variant="success" className="mt-4 w-full" onClick={() => client.verification.confirm()}>
              <ShieldCheck aria-hidden size={18} />
              {t("confirm")}
            </Button>
          )}
          <p className="mt-3 text-xs text-muted">{t("scope", { name })}</p>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
