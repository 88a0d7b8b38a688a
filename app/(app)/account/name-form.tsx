"use client";
import { Check } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { flushSync } from "react-dom";
import { useCallClient } from "@/app/call/call-provider";
import { useErrorMessage } from "@/app/lib/error-message";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { notify } from "@/app/ui/notify";
import { changeNameSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { send } from "./use-account";

/**
 * The display name contacts see (the sign-up's rules, no password). Once
 * saved, this tab's header shows it at once; contacts' lists refetch.
 * `name` is null until the account has loaded.
 */
export function NameForm({ name, onChanged }: { name: string | null; onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const errorText = useErrorMessage();
  const toFieldErrors = useFieldErrors();
  const client = useCallClient();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [value, setValue] = useState(name ?? "");
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  /** The confirmation after saving, until the form is edited again. */
  const [saved, setSaved] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = changeNameSchema.safeParse({ name: value });
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setSaved(null);
    const answer = await send("POST", "/api/account/name", parsed.data);
    setBusy(false);
    if (answer?.ok) {
      const next = typeof answer.name === "string" ? answer.name : parsed.data.name;
      setValue(next);
      setFields({});
      client.rename(next);
      setSaved(t("nameChanged", { name: next }));
      await onChanged();
      return;
    }
    if (answer?.code === "invalid_payload") {
      flushSync(() => setFields({ name: answer.fields?.name ?? errorText(answer) }));
      focusFirstInvalid();
    } else notify.error(errorText(answer));
  }

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-labelledby="name-heading"
      className="space-y-4 rounded-card bg-surface p-4 ring-1 ring-border sm:p-5"
    >
      <div>
        <h2 id="name-heading" className="text-base font-semibold">
          {t("nameTitle")}
        </h2>
        <p className="mt-1 text-sm text-muted">{t("nameBody")}</p>
      </div>
      <Field
        label={t("displayName")}
        name="name"
        autoComplete="name"
        required
        maxLength={80}
        disabled={name === null}
        value={value}
        error={fields.name}
        onChange={(e) => {
          setValue(e.target.value);
          setSaved(null);
          if (fields.name) setFields({});
        }}
      />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <Button type="submit" disabled={busy || name === null}>
          <Check aria-hidden size={18} />
          {t("saveName")}
        </Button>
        <SavedNote text={saved} />
      </div>
    </form>
  );
}
