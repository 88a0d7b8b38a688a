"use client";
import { Check } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useCallClient } from "@/app/call/call-provider";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { changeNameSchema } from "@/server/auth/schemas";
import { SavedNote } from "./saved-note";
import { useAccountForm } from "./use-account-form";

/**
 * The display name contacts see (the sign-up's rules, no password). Once
 * saved, this tab's header shows it at once; contacts' lists refetch.
 * `name` is null until the account has loaded.
 */
export function NameForm({ name, onChanged }: { name: string | null; onChanged: () => Promise<void> }) {
  const t = useTranslations("account");
  const client = useCallClient();
  const { formRef, fields, busy, saved, save, clear } = useAccountForm();
  const [value, setValue] = useState(name ?? "");

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const changed = await save({
      schema: changeNameSchema,
      input: { name: value },
      path: "/api/account/name",
      onSaved: (answer, sent) => {
        const next = typeof answer.name === "string" ? answer.name : sent.name;
        setValue(next);
        client.rename(next);
        return t("nameChanged", { name: next });
      },
      fieldOf: (answer) => (answer.code === "invalid_payload" ? { name: "name", text: answer.fields?.name } : null),
    });
    if (changed) await onChanged();
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
          clear("name")();
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
