"use client";
import { UserPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { useErrorMessage, type ServerError } from "@/app/lib/error-message";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { notify } from "@/app/ui/notify";

/**
 * Sends a contact request by email. A problem with the address is shown on
 * the field (and clears when it is edited); success is a toast, and the
 * person appears under "Sent requests".
 */
export function AddContactForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const t = useTranslations("contacts");
  const errorText = useErrorMessage();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const email = String(new FormData(form).get("email") ?? "").trim();
    if (!email) {
      setError(t("emailRequired"));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await fetch("/api/contacts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      const body = (await res.json().catch(() => ({}))) as ServerError & { ok?: boolean };
      if (!res.ok || !body.ok) {
        setError(errorText(body));
        inputRef.current?.focus();
        return;
      }
      form.reset();
      setError(undefined);
      notify.success(t("requestSent", { email }));
      await onAdded();
    } catch {
      notify.error(errorText(null));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-contact-heading" className="rounded-card bg-surface p-4 ring-1 ring-border sm:p-5">
      <h2 id="add-contact-heading" className="mb-3 text-base font-semibold">
        {t("addTitle")}
      </h2>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field
          ref={inputRef}
          className="min-w-0 flex-1"
          id="contact-email"
          label={t("emailLabel")}
          name="email"
          type="email"
          autoComplete="off"
          inputMode="email"
          maxLength={254}
          placeholder={t("emailPlaceholder")}
          hint={t("emailHint")}
          error={error}
          onChange={() => setError(undefined)}
        />
        {/* Lines up with the input, not the label above it. */}
        <Button type="submit" disabled={busy} className="sm:mt-7">
          <UserPlus aria-hidden size={18} />
          {t("add")}
        </Button>
      </div>
    </form>
  );
}
