"use client";
import { Mail } from "lucide-react";
import { useTranslations } from "next-intl";
import type { FormEvent } from "react";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { changeEmailSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { useAccountForm } from "./use-account-form";

/** A new email to sign in with, confirmed with the current password. `email`: the one in use (null while loading). */
export function EmailForm({ email, onChanged }: { email: string | null; onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const { formRef, fields, busy, saved, save, clear } = useAccountForm();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const changed = await save({
      schema: changeEmailSchema,
      input: { email: data.get("email"), currentPassword: data.get("currentPassword") },
      path: "/api/account/email",
      onSaved: (answer, sent) => {
        form.reset();
        return t("emailChanged", { email: typeof answer.email === "string" ? answer.email : sent.email });
      },
      // A wrong password and a taken email belong to their fields; anything else is a toast.
      fieldOf: (answer) => (answer.code === "wrong_password" ? { name: "currentPassword" } : answer.code === "email_taken" ? { name: "email" } : null),
    });
    if (changed) await onChanged();
  }

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
