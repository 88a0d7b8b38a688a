"use client";
import { useEffect } from "react";
import { lazyModule, useLazyModule } from "@/app/lib/lazy-module";
import { preloadWhenIdle } from "@/app/lib/preload-when-idle";

/** The toast outlet's code (sonner), out of the pages' first load. */
export const toasterModule = lazyModule(() => import("./toaster"));

/**
 * Mounts the Toaster once its code is there: fetched when the browser is idle
 * after load, or by the first `notify` if that comes sooner. A toast asked for
 * before the Toaster mounted is not lost: sonner hands a new Toaster the
 * toasts that are still active.
 */
export function LazyToaster() {
  const mod = useLazyModule(toasterModule);
  useEffect(() => preloadWhenIdle(() => toasterModule.load().catch(() => undefined)), []);
  return mod ? <mod.Toaster /> : null;
}
