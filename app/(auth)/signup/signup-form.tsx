"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/lib/field";
import { fieldErrors, signUpSchema, type FieldErrors } from "@/server/auth/schemas";

export function SignUpForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { name: form.get("name"), email: form.get("email"), password: form.get("password") };
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error);
      setFields(errs);
      setError(Object.values(errs)[0] ?? "Check the form.");
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const res = await fetch("/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      const body = (await res.json()) as { ok: boolean; message?: string; fields?: FieldErrors };
      if (!res.ok || !body.ok) {
        setFields(body.fields ?? {});
        setError(body.message ?? "Could not create the account.");
        return;
      }
      const signedIn = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
      if (!signedIn || signedIn.error) {
        setError("Your account was created, but signing in failed. Try signing in.");
        return;
      }
      router.replace("/");
      router.refresh();
    } catch {
      setError("Could not reach the server. Try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <h1 className="mb-4 text-xl font-semibold">Create your account</h1>
      {error && (
        <p role="alert" className="mb-4 rounded bg-red-50 p-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <Field label="Name" name="name" autoComplete="name" required maxLength={80} error={fields.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required error={fields.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} error={fields.password} />
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-lg bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60"
      >
        Create account
      </button>
      <p className="mt-4 text-center text-sm">
        Already have an account?{" "}
        <Link href="/signin" className="font-medium text-brand underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
