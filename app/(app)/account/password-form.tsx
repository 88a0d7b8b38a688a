"use client";
import { KeyRound } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { flushSync } from "react-dom";
import { useErrorMessage } from "@/app/lib/error-message";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { notify } from "@/app/ui/notify";
import { changePasswordSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { send } from "./use-account";

/** Current password + a new one; every other browser is signed out (the server says how many). */
export function PasswordForm({ onChanged }: { onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const errorText = useErrorMessage();
  const toFieldErrors = useFieldErrors();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  /** The confirmation after saving, until the form is edited again. */
  const [saved, setSaved] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const parsed = changePasswordSchema.safeParse({ currentPassword: data.get("currentPassword"), newPassword: data.get("newPassword") });
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setSaved(null);
    const answer = await send("POST", "/api/account/password", parsed.data);
    setBusy(false);
    if (answer?.ok) {
      form.reset();
      setFields({});
      setSaved(t("passwordChanged"));
      await onChanged();
      return;
    }
    // A wrong current password belongs to its field; anything else is a toast.
    if (answer?.code === "wrong_password") {
      // Rendered now (this runs after an await, outside React's event batch), so the field can take the focus.
      flushSync(() => setFields({ currentPassword: errorText(answer) }));
      focusFirstInvalid();
    } else notify.error(errorText(answer));
  }

  const clear = (name: string) => () => {
    setSaved(null);
    setFields((f) => (f[name] ? { ...f, [name]: undefined } : f));
  };
  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-labelledby="password-heading"
      className="space-y-4 rounded-card bg-surface p-4 ring-1 ring-border sm:p-5"
    >
      <div>
        <h2 id="password-heading" className="text-base font-semibold">
          {t("passwordTitle")}
        </h2>
        <p className="mt-1 text-sm text-muted">{t("passwordBody")}</p>
      </div>
      <Field
        label={t("currentPassword")}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        maxLength={200}
        error={fields.currentPassword}
        onChange={clear("currentPassword")}
      />
      <Field
        label={t("newPassword")}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={200}
        hint={t("newPasswordHint")}
        error={fields.newPassword}
        onChange={clear("newPassword")}
      />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <Button type="submit" disabled={busy}>
          <KeyRound aria-hidden size={18} />
          {t("changePassword")}
        </Button>
        <SavedNote text={saved} />
      </div>
    </form>
  );
}
