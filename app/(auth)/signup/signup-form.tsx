"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { useErrorMessage, type ServerError } from "@/app/lib/error-message";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { signUpSchema } from "@/server/auth/schemas";
import { FormAlert } from "../form-alert";

/**
 * Problems with a field are shown on that field only (red border,
 * aria-invalid, its message read out) and focus moves to the first one;
 * the banner above is for problems that are not about a field.
 */
export function SignUpForm() {
  const t = useTranslations("auth");
  const errorText = useErrorMessage();
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const toFieldErrors = useFieldErrors();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = signUpSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
    setError(null);
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setFields({});
    try {
      const res = await fetch("/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      const body = (await res.json().catch(() => ({}))) as ServerError & { ok?: boolean };
      if (!res.ok || !body.ok) {
        if (body.code === "email_taken") {
          setFields({ email: errorText(body) });
          focusFirstInvalid();
        } else setError(errorText(body));
        return;
      }
      const signedIn = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
      if (!signedIn || signedIn.error) {
        setError(t("createdButSignInFailed"));
        return;
      }
      router.replace("/");
      router.refresh();
    } catch {
      setError(t("unreachable"));
    } finally {
      setBusy(false);
    }
  }

  const clear = (name: string) => () => setFields((f) => (f[name] ? { ...f, [name]: undefined } : f));

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <h1 className="text-xl font-semibold">{t("signUpTitle")}</h1>
      <FormAlert text={error} />
      <Field label={t("name")} name="name" autoComplete="name" required maxLength={80} error={fields.name} onChange={clear("name")} />
      <Field label={t("email")} name="email" type="email" autoComplete="email" required error={fields.email} onChange={clear("email")} />
      <Field
        label={t("password")}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint={t("passwordHint")}
        error={fields.password}
        onChange={clear("password")}
      />
      <Button type="submit" disabled={busy} className="w-full">
        {t("createAccount")}
      </Button>
      <p className="text-center text-sm text-muted">
        {t("haveAccount")}{" "}
        <Link href="/signin" className="inline-flex min-h-tap min-w-tap items-center justify-center font-semibold text-brand-text underline underline-offset-2">
          {t("signIn")}
        </Link>
      </p>
    </form>
  );
}
