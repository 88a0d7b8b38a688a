"use client";
import { cloneElement, isValidElement, useEffect, type FocusEvent, type PointerEvent, type ReactNode } from "react";
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
  if (mod) return <mod.RadixTooltipLabel label={label}>{children}</mod.RadixTooltipLabel>;
  if (!isValidElement<ChildProps>(children)) return children;
  const load = () => void tooltipModule.load().catch(() => undefined);
  const own = children.props;
  return cloneElement(children, {
    onPointerEnter: (e: PointerEvent<HTMLElement>) => {
      own.onPointerEnter?.(e);
      load();
    },
    onFocus: (e: FocusEvent<HTMLElement>) => {
      own.onFocus?.(e);
      load();
    },
  });
}

type ChildProps = {
  onPointerEnter?: (e: PointerEvent<HTMLElement>) => void;
  onFocus?: (e: FocusEvent<HTMLElement>) => void;
};
