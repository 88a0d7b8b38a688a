"use client";
import { Mail } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { flushSync } from "react-dom";
import { useErrorMessage } from "@/app/lib/error-message";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { notify } from "@/app/ui/notify";
import { changeEmailSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { send } from "./use-account";

/** A new email to sign in with, confirmed with the current password. `email`: the one in use (null while loading). */
export function EmailForm({ email, onChanged }: { email: string | null; onChanged: () => Promise<void> }) {
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
    const parsed = changeEmailSchema.safeParse({ email: data.get("email"), currentPassword: data.get("currentPassword") });
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setSaved(null);
    const answer = await send("POST", "/api/account/email", parsed.data);
    setBusy(false);
    if (answer?.ok) {
      form.reset();
      setFields({});
      setSaved(t("emailChanged", { email: typeof answer.email === "string" ? answer.email : parsed.data.email }));
      await onChanged();
      return;
    }
    // A wrong password and a taken email belong to their fields; anything else is a toast.
    const field = answer?.code === "wrong_password" ? "currentPassword" : answer?.code === "email_taken" ? "email" : null;
    if (field) {
      // Rendered now (this runs after an await, outside React's event batch), so the field can take the focus.
      flushSync(() => setFields({ [field]: errorText(answer) }));
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
      aria-labelledby="email-heading"
      className="space-y-4 rounded-card bg-surface p-4 ring-1 ring-border sm:p-5"
    >
      <div>
        <h2 id="email-heading" className="text-base font-semibold">
          {t("emailTitle")}
        </h2>
        <p className="mt-1 break-words text-sm text-muted">{email ? t("emailBody", { email }) : t("emailBodyLoading")}</p>
      </div>
      <Field
        id="email-new"
        label={t("newEmail")}
        name="email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        error={fields.email}
        onChange={clear("email")}
      />
      <Field
        id="email-current-password"
        label={t("currentPassword")}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        maxLength={200}
        error={fields.currentPassword}
        onChange={clear("currentPassword")}
      />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <Button type="submit" disabled={busy}>
          <Mail aria-hidden size={18} />
          {t("changeEmail")}
        </Button>
        <SavedNote text={saved} />
      </div>
    </form>
  );
}
