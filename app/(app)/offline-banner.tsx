"use client";
import { WifiOff } from "lucide-react";
import { useTranslations } from "next-intl";

/**
 * Says plainly that calls are paused while the connection is down, instead of
 * letting a press of "Video call" look like it did something. The status role
 * is always in the page (empty when online) so the change is announced.
 */
export function OfflineBanner({ offline }: { offline: boolean }) {
  const t = useTranslations("offline");
  return (
    <div role="status" className={offline ? "border-t border-border bg-warning-soft text-warning-text" : "sr-only"}>
      {offline && (
        <p className="mx-auto flex max-w-3xl items-center gap-2 px-3 py-2 text-sm font-medium sm:px-6">
          <WifiOff aria-hidden size={18} className="shrink-0" />
          {t("banner")}
        </p>
      )}
    </div>
  );
}
