import type { LucideIcon } from "lucide-react";

export type MenuItem = {
  label: string;
  icon?: LucideIcon;
  onSelect: () => void;
  /** Destructive actions are written in the danger colour. */
  danger?: boolean;
  /** A ticked item of a single choice (e.g. the current language). */
  checked?: boolean;
};

/** How the trigger was pressed before the menu's code had loaded. */
export type OpenIntent = { by: "pointer" } | { by: "key"; key: string };
