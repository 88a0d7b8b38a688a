"use client";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

export type MenuItem = {
  label: string;
  icon?: LucideIcon;
  onSelect: () => void;
  /** Destructive actions are written in the danger colour. */
  danger?: boolean;
  /** A ticked item of a single choice (e.g. the current language). */
  checked?: boolean;
};

/**
 * A dropdown menu (Radix: arrow keys, typeahead, Escape, focus return) opened
 * by `trigger`, which must be one focusable element (usually an IconButton).
 */
export function Menu({ trigger, items, align = "end" }: { trigger: ReactNode; items: MenuItem[]; align?: "start" | "end" }) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>{trigger}</DropdownMenu.Trigger>
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
