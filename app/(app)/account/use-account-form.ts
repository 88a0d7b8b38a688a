"use client";
// What the account page's forms (name, email, password) share: validate with
// the route's own schema, POST, and then either a confirmation next to the
// button or the server's refusal on the field it belongs to (focused), or a
// toast for anything else.
import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { ZodType } from "zod";
import { useErrorMessage } from "@/app/lib/error-message";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { notify } from "@/app/ui/notify";
import { send, type Answer } from "./use-account";

type Refusal = Extract<Answer, { ok: false }>;

export type SaveOptions<T> = {
  schema: ZodType<T>;
  input: unknown;
  /** The account route to POST the parsed input to. */
  path: string;
  /** Saved: what to confirm next to the button. */
  onSaved: (answer: Extract<Answer, { ok: true }>, data: T) => string;
  /** A refusal that belongs to a field: its name (and its text, if not the error's own); null: a toast. */
  fieldOf: (answer: Refusal) => { name: string; text?: string } | null;
};

export function useAccountForm() {
  const errorText = useErrorMessage();
  const toFieldErrors = useFieldErrors();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  /** The confirmation after saving, until the form is edited again. */
  const [saved, setSaved] = useState<string | null>(null);

  /** Validates and sends; true when it was saved. */
  async function save<T>(o: SaveOptions<T>): Promise<boolean> {
    const parsed = o.schema.safeParse(o.input);
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return false;
    }
    setBusy(true);
    setSaved(null);
    const answer = await send("POST", o.path, parsed.data);
    setBusy(false);
    if (answer?.ok) {
      setFields({});
      setSaved(o.onSaved(answer, parsed.data));
      return true;
    }
    const field = answer ? o.fieldOf(answer) : null;
    if (field) {
      // Rendered now (this runs after an await, outside React's event batch), so the field can take the focus.
      flushSync(() => setFields({ [field.name]: field.text ?? errorText(answer) }));
      focusFirstInvalid();
    } else notify.error(errorText(answer));
    return false;
  }

  /** A field's onChange: its error and the confirmation go. */
  const clear = (name: string) => () => {
    setSaved(null);
    setFields((f) => (f[name] ? { ...f, [name]: undefined } : f));
  };

  return { formRef, fields, busy, saved, save, clear };
}
