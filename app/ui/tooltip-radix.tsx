"use client";
import * as RadixTooltip from "@radix-ui/react-tooltip";
import { useEffect, useRef, useSyncExternalStore, type ReactNode } from "react";

// Loaded lazily by tooltip.tsx: import it only from there.
//
// Each tooltip has its own Radix provider: one for the whole app would have to
// wrap the app from its first render (so be in every page's first load), or
// remount the app when it arrives. What the shared provider did, moving
// instantly between neighbours, is kept here: while a tooltip is open, and
// for 200 ms after one closed, the next one opens without the 300 ms delay.
let skipping = false;
let skipTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
function setSkipping(value: boolean): void {
  if (skipping === value) return;
  skipping = value;
  listeners.forEach((l) => l());
}
function onOpenChange(open: boolean): void {
  clearTimeout(skipTimer);
  if (open) setSkipping(true);
  else skipTimer = setTimeout(() => setSkipping(false), 200);
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const getSkipping = () => skipping;

/** A visible label for `children` (one focusable element) on hover and keyboard focus. */
export function RadixTooltipLabel({ label, children }: { label: string; children: ReactNode }) {
  const skip = useSyncExternalStore(subscribe, getSkipping, getSkipping);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // The pointer was already over the element when this code arrived: Radix
    // opens on pointermove, which will not come while the pointer rests.
    const el = triggerRef.current;
    if (el?.matches(":hover")) el.dispatchEvent(new PointerEvent("pointermove", { pointerType: "mouse", bubbles: true }));
  }, []);
  return (
    <RadixTooltip.Provider delayDuration={skip ? 0 : 300} skipDelayDuration={200}>
      <RadixTooltip.Root onOpenChange={onOpenChange}>
        <RadixTooltip.Trigger asChild ref={triggerRef}>
          {children}
        </RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content
            sideOffset={6}
            className="z-50 max-w-64 rounded-md bg-fg px-2.5 py-1.5 text-xs font-medium text-canvas shadow-lg"
          >
            {label}
            <RadixTooltip.Arrow className="fill-fg" />
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
