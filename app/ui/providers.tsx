"use client";
import type { ReactNode } from "react";
import { Toaster } from "./toaster";
import { TooltipProvider } from "./tooltip";

/** What every page needs around it on the client: tooltips and the toast outlet. */
export function UiProviders({ children }: { children: ReactNode }) {
  return (
    <TooltipProvider>
      {children}
      <Toaster />
    </TooltipProvider>
  );
}
