"use client";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useTranslations } from "next-intl";
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
  onConfirm: () => void;
};

/**
 * "Are you sure?" for actions that are hard to undo. Focus starts on Cancel
 * (the safe choice), Escape cancels, and focus returns to what opened it.
 */
export function RadixConfirmDialog({ open, onOpenChange, title, description, confirmLabel, variant = "danger", onConfirm }: ConfirmDialogProps) {
  const t = useTranslations("common");
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-card bg-surface p-6 text-fg shadow-2xl ring-1 ring-border">
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted">{description}</AlertDialog.Description>
          <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
            <AlertDialog.Cancel className={buttonClass("secondary")}>{t("cancel")}</AlertDialog.Cancel>
            <AlertDialog.Action className={buttonClass(variant)} onClick={onConfirm}>
              {confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
