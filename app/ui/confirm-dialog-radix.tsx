"use client";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useTranslations } from "next-intl";
import type { ReactNode, RefObject } from "react";
import { buttonClass, type ButtonVariant } from "./button";

// Loaded lazily by confirm-dialog.tsx: import it only from there.

export type ConfirmDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  /** The confirming button's text (a verb: "Remove", "Block"). */
  confirmLabel: string;
  variant?: Extract<ButtonVariant, "primary" | "danger">;
  /**
   * Confirmed (the button, or Enter in a field of `children`). The dialog then
   * closes, unless this resolves to `false` (e.g. a wrong password: the
   * dialog stays with the field's error).
   */
  onConfirm: () => void | Promise<boolean | void>;
  /** What the confirmation needs besides a press, e.g. a password field. */
  children?: ReactNode;
  /** A request is in flight: the confirming button is disabled. */
  busy?: boolean;
  /** Focus this when the dialog opens (the field to fill) instead of Cancel. */
  initialFocus?: RefObject<HTMLElement | null>;
};

/**
 * "Are you sure?" for actions that are hard to undo. Focus starts on Cancel
 * (the safe choice) unless a field must be filled first, Escape cancels, and
 * focus returns to what opened it.
 */
export function RadixConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  variant = "danger",
  onConfirm,
  children,
  busy = false,
  initialFocus,
}: ConfirmDialogProps) {
  const t = useTranslations("common");
  const confirm = async () => {
    if ((await onConfirm()) !== false) onOpenChange(false);
  };
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <AlertDialog.Content
          onOpenAutoFocus={
            initialFocus
              ? (e) => {
                  e.preventDefault();
                  initialFocus.current?.focus();
                }
              : undefined
          }
          className="fixed left-1/2 top-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-card bg-surface p-6 text-fg shadow-2xl ring-1 ring-border"
        >
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted">{description}</AlertDialog.Description>
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (!busy) void confirm();
            }}
          >
            {children && <div className="mt-4">{children}</div>}
            <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
              <AlertDialog.Cancel className={buttonClass("secondary")}>{t("cancel")}</AlertDialog.Cancel>
              {/* A submit button, not AlertDialog.Action: the dialog closes once onConfirm says so. */}
              <button type="submit" disabled={busy} className={buttonClass(variant)}>
                {confirmLabel}
              </button>
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
