"use client";
import Link from "next/link";
import { Info } from "lucide-react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { useFocusFirstInvalid } from "@/app/lib/use-focus-first-invalid";
import { useFieldErrors, type FieldErrors } from "@/app/lib/validation-messages";
import { Button } from "@/app/ui/button";
import { Field } from "@/app/ui/field";
import { signInSchema } from "@/server/auth/schemas";
import { FormAlert } from "../form-alert";

export function SignInForm({ signedOut }: { signedOut?: "ended" | "deleted" }) {
  const t = useTranslations("auth");
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const toFieldErrors = useFieldErrors({ passwordRequired: true });
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    setError(null);
    if (!parsed.success) {
      setFields(toFieldErrors(parsed.error));
      focusFirstInvalid();
      return;
    }
    setFields({});
    setBusy(true);
    try {
      const res = await signIn("credentials", { ...parsed.data, redirect: false });
      if (!res || res.error) {
        setError(res?.error === "rate_limited" ? t("rateLimited") : t("wrongCredentials"));
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
      <h1 className="text-xl font-semibold">{t("signInTitle")}</h1>
      {signedOut && !error && (
        <p role="status" className="flex items-start gap-2 rounded-control bg-brand-soft p-3 text-sm font-medium text-brand-text">
          <Info aria-hidden size={18} className="mt-px shrink-0" />
          {signedOut === "deleted" ? t("signedOutDeleted") : t("signedOutEnded")}
        </p>
      )}
      <FormAlert text={error} />
      <Field label={t("email")} name="email" type="email" autoComplete="email" required error={fields.email} onChange={clear("email")} />
      <Field label={t("password")} name="password" type="password" autoComplete="current-password" required error={fields.password} onChange={clear("password")} />
      <Button type="submit" disabled={busy} className="w-full">
        {t("signIn")}
      </Button>
      <p className="text-center text-sm text-muted">
        {t("newHere")}{" "}
        <Link href="/signup" className="inline-flex min-h-tap min-w-tap items-center justify-center font-semibold text-brand-text underline underline-offset-2">
          {t("createAnAccount")}
        </Link>
      </p>
    </form>
  );
}
