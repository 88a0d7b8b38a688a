"use client";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useEffect, useRef, type ReactNode } from "react";
import type { MenuItem, OpenIntent } from "./menu-types";

// Loaded lazily by menu.tsx: import it only from there.

type Props = {
  trigger: ReactNode;
  items: MenuItem[];
  align: "start" | "end";
  /** The trigger was pressed before this code arrived: open now, as that press would have. */
  intent: OpenIntent | null;
};

/** The Radix dropdown menu (arrow keys, typeahead, Escape, focus return). */
export function RadixMenu({ trigger, items, align, intent }: Props) {
  const triggerRef = useRef<HTMLButtonElement>(null);
  const openOnMount = useRef(intent);
  // An effect, not a layout effect: Radix registers its keyboard-or-pointer
  // listener in an effect of its own, which runs before this one.
  useEffect(() => {
    const pressed = openOnMount.current;
    const el = triggerRef.current;
    openOnMount.current = null;
    if (!pressed || !el) return;
    el.focus();
    // Replay the press on the real trigger, so Radix opens the menu the way it
    // would have (from a key: focus on the first item).
    if (pressed.by === "key") el.dispatchEvent(new KeyboardEvent("keydown", { key: pressed.key, bubbles: true, cancelable: true }));
    else el.dispatchEvent(new PointerEvent("pointerdown", { button: 0, pointerType: "mouse", bubbles: true, cancelable: true }));
  }, []);
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild ref={triggerRef}>
        {trigger}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align={align}
          sideOffset={6}
          className="z-50 min-w-48 rounded-control bg-surface p-1 text-fg shadow-xl ring-1 ring-border"
        >
          {items.map(({ label, icon: Icon, onSelect, danger, checked }) => {
            const className = `flex min-h-tap cursor-pointer select-none items-center gap-3 rounded-md px-3 text-sm outline-none data-[highlighted]:bg-surface-2 ${danger ? "text-danger-text" : ""}`;
            const body = (
              <>
                {Icon && <Icon aria-hidden size={18} />}
                <span className="flex-1">{label}</span>
              </>
            );
            return checked === undefined ? (
              <DropdownMenu.Item key={label} className={className} onSelect={onSelect}>
                {body}
              </DropdownMenu.Item>
            ) : (
              <DropdownMenu.CheckboxItem key={label} className={className} checked={checked} onSelect={onSelect}>
                {body}
                <DropdownMenu.ItemIndicator aria-hidden>✓</DropdownMenu.ItemIndicator>
              </DropdownMenu.CheckboxItem>
            );
          })}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
