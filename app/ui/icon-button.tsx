"use client";
import type { LucideIcon } from "lucide-react";
import type { ButtonHTMLAttributes, MouseEvent, Ref } from "react";
import { VARIANT_CLASSES, type ButtonVariant } from "./button";
import { Tooltip } from "./tooltip";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-label" | "children" | "disabled"> & {
  icon: LucideIcon;
  /** The accessible name, also shown as the tooltip. */
  label: string;
  variant?: ButtonVariant;
  /**
   * Why the button does nothing now (shown as the tooltip instead of the label).
   * The button stays focusable and hoverable (aria-disabled, not disabled) so
   * the reason can be read; clicks are swallowed.
   */
  disabledReason?: string | null;
  ref?: Ref<HTMLButtonElement>;
};

/**
 * A square icon-only button: 44×44 px whatever the icon (so rows never shift
 * when an icon changes), named by `label`, with a tooltip.
 */
export function IconButton({ icon: Icon, label, variant = "ghost", disabledReason, className = "", onClick, type = "button", ...rest }: Props) {
  const disabled = Boolean(disabledReason);
  const guarded = (e: MouseEvent<HTMLButtonElement>) => {
    if (disabled) {
      e.preventDefault();
      return;
    }
    onClick?.(e);
  };
  return (
    <Tooltip label={disabledReason || label}>
      <button
        type={type}
        aria-label={label}
        aria-disabled={disabled || undefined}
        onClick={guarded}
        className={`inline-flex size-tap shrink-0 items-center justify-center rounded-full transition-colors aria-disabled:cursor-not-allowed aria-disabled:opacity-50 ${VARIANT_CLASSES[variant]} ${className}`}
        {...rest}
      >
        <Icon aria-hidden size={20} strokeWidth={2} />
      </button>
    </Tooltip>
  );
}
