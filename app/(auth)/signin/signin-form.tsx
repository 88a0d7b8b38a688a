"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Field } from "@/app/lib/field";
import { signInSchema } from "@/server/auth/schemas";

export function SignInForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { ...parsed.data, redirect: false });
    setBusy(false);
    if (!res || res.error) {
      setError(res?.error === "rate_limited" ? "Too many attempts. Wait a few minutes and try again." : "Wrong email or password.");
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      {error && (
        <p role="alert" className="mb-4 rounded bg-red-50 p-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-lg bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60"
      >
        Sign in
      </button>
      <p className="mt-4 text-center text-sm">
        New here?{" "}
        <Link href="/signup" className="font-medium text-brand underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
