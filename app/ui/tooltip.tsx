"use client";
import { cloneElement, isValidElement, useEffect, useState, type FocusEvent, type PointerEvent, type ReactNode } from "react";
import { lazyModule, useLazyModule } from "@/app/lib/lazy-module";
import { preloadWhenIdle } from "@/app/lib/preload-when-idle";

/** Radix's tooltip and its positioning (floating-ui): not in any page's first load. */
export const tooltipModule = lazyModule(() => import("./tooltip-radix"));

/**
 * Fetches the tooltips' code when the browser is idle after load. Renders its
 * children as they are (no wrapper: the tree never changes shape).
 */
export function TooltipProvider({ children }: { children: ReactNode }) {
  useEffect(() => preloadWhenIdle(() => tooltipModule.load().catch(() => undefined)), []);
  return children;
}

/**
 * A visible label for `children` (one focusable element) on hover and keyboard
 * focus. Until the tooltip's code has loaded (shortly after the page), the
 * children are shown alone: the tooltip only repeats a name the element
 * already has (an aria-label or its text), so nothing is lost meanwhile. A
 * hover or focus in that time fetches the code at once.
 */
export function Tooltip({ label, children }: { label: string; children: ReactNode }) {
  const mod = useLazyModule(tooltipModule);
  // Wrapping the element in Radix's trigger makes React replace it with a new
  // one: never while the pointer is on it or it has focus, or a click in
  // progress would land on an element that is gone (seen in the glare e2e:
  // the click was lost). The swap waits until the pointer leaves / focus goes.
  const [inUse, setInUse] = useState(false);
  if (mod && !inUse) return <mod.RadixTooltipLabel label={label}>{children}</mod.RadixTooltipLabel>;
  if (!isValidElement<ChildProps>(children)) return children;
  const load = () => void tooltipModule.load().catch(() => undefined);
  const own = children.props;
  return cloneElement(children, {
    onPointerEnter: (e: PointerEvent<HTMLElement>) => {
      own.onPointerEnter?.(e);
      setInUse(true);
      load();
    },
    onPointerLeave: (e: PointerEvent<HTMLElement>) => {
      own.onPointerLeave?.(e);
      setInUse(false);
    },
    onFocus: (e: FocusEvent<HTMLElement>) => {
      own.onFocus?.(e);
      setInUse(true);
      load();
    },
    onBlur: (e: FocusEvent<HTMLElement>) => {
      own.onBlur?.(e);
      setInUse(false);
    },
  });
}

type ChildProps = {
  onPointerEnter?: (e: PointerEvent<HTMLElement>) => void;
  onPointerLeave?: (e: PointerEvent<HTMLElement>) => void;
  onFocus?: (e: FocusEvent<HTMLElement>) => void;
  onBlur?: (e: FocusEvent<HTMLElement>) => void;
};
