import type { ButtonHTMLAttributes, Ref } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "success" | "ghost";

/** Colours of each variant (shared with IconButton). */
export const VARIANT_CLASSES: Record<ButtonVariant, string> = {
  primary: "bg-brand text-on-brand hover:bg-brand-hover",
  secondary: "bg-surface text-fg ring-1 ring-inset ring-border hover:bg-surface-2",
  danger: "bg-danger text-white hover:bg-danger-hover",
  success: "bg-success text-white hover:bg-success-hover",
  ghost: "text-fg hover:bg-surface-2",
};

/** The classes of a button, for links styled as one. */
export function buttonClass(variant: ButtonVariant = "primary", extra = ""): string {
  return [
    // min-h-tap: 44 px, the smallest comfortable tap target on a phone.
    "inline-flex min-h-tap min-w-tap items-center justify-center gap-2 rounded-control px-4 text-sm font-semibold transition-colors",
    "disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60",
    VARIANT_CLASSES[variant],
    extra,
  ].join(" ");
}

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; ref?: Ref<HTMLButtonElement> };

/** A text button at least 44 px tall; `type="button"` unless told otherwise. */
export function Button({ variant = "primary", className = "", type = "button", ...rest }: Props) {
  return <button type={type} className={buttonClass(variant, className)} {...rest} />;
}
