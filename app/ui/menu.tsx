"use client";
import { cloneElement, isValidElement, useState, type ButtonHTMLAttributes, type KeyboardEvent, type ReactElement } from "react";
import { lazyModule, useLazyModule } from "@/app/lib/lazy-module";
import type { MenuItem, OpenIntent } from "./menu-types";

export type { MenuItem } from "./menu-types";

/** Radix's dropdown menu and its positioning: not in any page's first load (preloaded with the tooltips). */
export const menuModule = lazyModule(() => import("./menu-radix"));

type TriggerProps = ButtonHTMLAttributes<HTMLButtonElement>;

/**
 * A dropdown menu (Radix: arrow keys, typeahead, Escape, focus return) opened
 * by `trigger`, which must be one button element (usually an IconButton).
 *
 * Until Radix's code has loaded (when the browser is idle after load, see
 * UiProviders), the trigger is shown as a closed menu button with the same
 * name; pressing it (click, Enter, Space, ArrowDown) fetches the code and
 * then opens the menu as that press would have.
 */
export function Menu({ trigger, items, align = "end" }: { trigger: ReactElement<TriggerProps>; items: MenuItem[]; align?: "start" | "end" }) {
  const mod = useLazyModule(menuModule);
  const [intent, setIntent] = useState<OpenIntent | null>(null);
  if (mod) return <mod.RadixMenu trigger={trigger} items={items} align={align} intent={intent} />;
  if (!isValidElement(trigger)) return trigger;
  const press = (pressed: OpenIntent) => {
    setIntent(pressed);
    void menuModule.load().catch(() => setIntent(null));
  };
  return cloneElement(trigger, {
    "aria-haspopup": "menu",
    "aria-expanded": false,
    onClick: () => press({ by: "pointer" }),
    onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => {
      if (e.key === "Enter" || e.key === " " || e.key === "ArrowDown") {
        e.preventDefault();
        press({ by: "key", key: e.key });
      }
    },
  });
}
