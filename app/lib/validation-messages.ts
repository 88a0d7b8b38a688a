"use client";
// The form schemas (server/auth/schemas.ts) are shared with the server and
// carry English messages; the forms show their issues in the reader's
// language, keyed by field and issue kind.
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import type { z } from "zod";

export type FieldErrors = Partial<Record<string, string>>;

type Key = "nameRequired" | "nameTooLong" | "emailInvalid" | "emailTooLong" | "passwordTooShort" | "passwordTooLong" | "passwordRequired";

function keyOf(field: string, issue: z.core.$ZodIssue, passwordRequired: boolean): Key | null {
  const tooBig = issue.code === "too_big";
  switch (field) {
    case "name":
      return tooBig ? "nameTooLong" : "nameRequired";
    case "email":
      return tooBig ? "emailTooLong" : "emailInvalid";
    case "password":
      if (tooBig) return "passwordTooLong";
      return passwordRequired ? "passwordRequired" : "passwordTooShort";
    // The account page: the current password is only required, the new one is checked like a sign-up's.
    case "currentPassword":
      return tooBig ? "passwordTooLong" : "passwordRequired";
    case "newPassword":
      return tooBig ? "passwordTooLong" : "passwordTooShort";
    default:
      return null;
  }
}

/**
 * `(error) => { field: message }`, the first issue of each field, translated.
 * `passwordRequired`: the sign-in form only asks for a password, any length.
 */
export function useFieldErrors({ passwordRequired = false } = {}): (error: z.ZodError) => FieldErrors {
  const t = useTranslations("validation");
  return useCallback(
    (error: z.ZodError) => {
      const out: FieldErrors = {};
      for (const issue of error.issues) {
        const field = String(issue.path[0] ?? "form");
        if (out[field]) continue;
        const key = keyOf(field, issue, passwordRequired);
        out[field] = key ? t(key) : issue.message;
      }
      return out;
    },
    [t, passwordRequired],
  );
}
