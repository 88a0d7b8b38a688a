"use client";
import { Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { useErrorMessage } from "@/app/lib/error-message";
import { expectSignOut, signOutNow } from "@/app/lib/sign-out";
import { useFieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { ConfirmDialog } from "@/app/ui/confirm-dialog";
import { Field } from "@/app/ui/field";
import { deleteAccountSchema } from "@/server/auth/schemas";
import { send } from "./use-account";

/**
 * Deleting the account, confirmed with its password in an alert dialog. A
 * wrong password keeps the dialog open with the field's error; once deleted,
 * this browser is signed out and the sign-in page says so.
 */
export function DeleteAccount() {
  const t = useTranslations("account");
  const errorText = useErrorMessage();
  const toFieldErrors = useFieldErrors({ passwordRequired: true });
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function confirm(): Promise<boolean> {
    const parsed = deleteAccountSchema.safeParse({ password: passwordRef.current?.value ?? "" });
    if (!parsed.success) {
      setError(toFieldErrors(parsed.error).password);
      passwordRef.current?.focus();
      return false;
    }
    setBusy(true);
    // The server ends this session too, and may say so on the socket before it answers.
    expectSignOut("deleted");
    const answer = await send("DELETE", "/api/account", parsed.data);
    if (answer?.ok) {
      // Stays "busy" while the browser leaves for the sign-in page.
      void signOutNow("deleted");
      return false;
    }
    expectSignOut(undefined);
    setBusy(false);
    setError(errorText(answer));
    passwordRef.current?.focus();
    return false;
  }

  return (
    <section aria-labelledby="delete-heading" className="space-y-3 rounded-card bg-surface p-4 ring-1 ring-danger/40 sm:p-5">
      <h2 id="delete-heading" className="text-base font-semibold text-danger-text">
        {t("deleteTitle")}
      </h2>
      <p className="text-sm text-muted">{t("deleteBody")}</p>
      <Button
        variant="danger"
        onClick={() => {
          setError(undefined);
          setOpen(true);
        }}
      >
        <Trash2 aria-hidden size={18} />
        {t("deleteButton")}
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => !busy && setOpen(next)}
        title={t("confirmDeleteTitle")}
        description={t("confirmDeleteBody")}
        confirmLabel={t("confirmDelete")}
        busy={busy}
        initialFocus={passwordRef}
        onConfirm={confirm}
      >
        <Field
          ref={passwordRef}
          id="delete-password"
          label={t("currentPassword")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={200}
          error={error}
          onChange={() => setError(undefined)}
        />
      </ConfirmDialog>
    </section>
  );
}
