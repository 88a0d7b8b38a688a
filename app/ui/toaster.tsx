"use client";
import { useTranslations } from "next-intl";
import { Toaster as Sonner, toast } from "sonner";

// For notify.tsx: the toast function comes with the Toaster's chunk.
export { toast };

/**
 * The app's one toast outlet (sonner), in our colours. Toasts close by
 * themselves (4 s; see notify.tsx for errors) and have a close button.
 * Put messages in it with `notify` (app/ui/notify.tsx), not sonner's `toast`.
 * Loaded lazily (toaster-lazy.tsx): import it only from there.
 */
export function Toaster() {
  const t = useTranslations("common");
  return (
    <Sonner
      position="bottom-right"
      duration={4000}
      closeButton
      customAriaLabel={t("notifications")}
      toastOptions={{
        closeButtonAriaLabel: t("dismiss"),
        classNames: {
          toast: "!bg-surface !text-fg !border-border !rounded-card !shadow-lg",
          error: "!text-danger-text",
          closeButton: "!bg-surface !text-fg !border-border",
        },
      }}
    />
  );
}
