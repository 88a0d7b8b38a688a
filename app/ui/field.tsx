import type { InputHTMLAttributes, Ref } from "react";

type Props = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  /** Shown under the input in red; marks it aria-invalid and describes it. */
  error?: string;
  /** A quiet line under the input (e.g. "At least 8 characters."). */
  hint?: string;
  ref?: Ref<HTMLInputElement>;
  className?: string;
};

/**
 * A labelled input whose hint and error are tied to it for screen readers.
 * The error is role=alert so it is read out when it appears.
 */
export function Field({ label, name, error, hint, ref, className = "", id: idProp, ...rest }: Props) {
  const id = idProp ?? `field-${name}`;
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1.5 block text-sm font-semibold">
        {label}
      </label>
      <input
        ref={ref}
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`block min-h-tap w-full rounded-control border bg-surface px-3 text-base text-fg placeholder:text-muted focus:outline-none focus:ring-2 ${
          error ? "border-danger focus:border-danger focus:ring-danger/30 focus-visible:outline-danger" : "border-border focus:border-brand focus:ring-brand/30"
        }`}
        {...rest}
      />
      {error && (
        <p id={`${id}-error`} role="alert" className="mt-1.5 text-sm font-medium text-danger-text">
          {error}
        </p>
      )}
      {hint && !error && (
        <p id={`${id}-hint`} className="mt-1.5 text-sm text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}
