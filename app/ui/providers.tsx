"use client";
import { useEffect, type ReactNode } from "react";
import { preloadWhenIdle } from "@/app/lib/preload-when-idle";
import { confirmDialogModule } from "./confirm-dialog";
import { menuModule } from "./menu";
import { LazyToaster } from "./toaster-lazy";
import { TooltipProvider } from "./tooltip";

/**
 * What every signed-in page needs around it on the client: tooltips, menus,
 * the confirm dialog and the toast outlet. Their code (Radix, floating-ui,
 * sonner) is out of the first load: fetched when the browser is idle after
 * the page loaded, or sooner on demand (a press on a menu, a toast).
 */
export function UiProviders({ children }: { children: ReactNode }) {
  useEffect(
    () =>
      preloadWhenIdle(() => {
        for (const mod of [menuModule, confirmDialogModule]) void mod.load().catch(() => undefined);
      }),
    [],
  );
  return (
    <TooltipProvider>
      {children}
      <LazyToaster />
    </TooltipProvider>
  );
}
