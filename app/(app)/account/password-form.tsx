"use client";
import { KeyRound } from "lucide-react";
import { useTranslations } from "next-intl";
import type { FormEvent } from "react";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { changePasswordSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { useAccountForm } from "./use-account-form";

/** Current password + a new one; every other browser is signed out (the server says how many). */
export function PasswordForm({ onChanged }: { onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const { formRef, fields, busy, saved, save, clear } = useAccountForm();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const changed = await save({
      schema: changePasswordSchema,
      input: { currentPassword: data.get("currentPassword"), newPassword: data.get("newPassword") },
      path: "/api/account/password",
      onSaved: () => {
        form.reset();
        return t("passwordChanged");
      },
      // A wrong current password belongs to its field; anything else is a toast.
      fieldOf: (answer) => (answer.code === "wrong_password" ? { name: "currentPassword" } : null),
    });
    if (changed) await onChanged();
  }

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
