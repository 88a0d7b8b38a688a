"use client";
import { useEffect } from "react";
import { lazyModule, useLazyModule } from "@/app/lib/lazy-module";
import type { ConfirmDialogProps } from "./confirm-dialog-radix";

/** Radix's alert dialog: not in any page's first load (preloaded with the tooltips). */
export const confirmDialogModule = lazyModule(() => import("./confirm-dialog-radix"));

/**
 * "Are you sure?" for actions that are hard to undo. Focus starts on Cancel
 * (the safe choice), Escape cancels, and focus returns to what opened it.
 * Nothing is rendered until its code is there: fetched when the browser is
 * idle after load, or when it is opened, if that comes first.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const mod = useLazyModule(confirmDialogModule);
  useEffect(() => {
    if (props.open) void confirmDialogModule.load().catch(() => undefined);
  }, [props.open]);
  return mod ? <mod.RadixConfirmDialog {...props} /> : null;
}
