// Form schemas shared by the browser forms and the server routes (zod only).
import { z } from "zod";
import "../protocol/zod-in-browser";

export const nameField = z.string().trim().min(1, "Enter your name.").max(80, "Use at most 80 characters.");
export const emailField = z.string().trim().toLowerCase().max(254, "That email is too long.").pipe(z.email("Enter a valid email address."));
export const passwordField = z
  .string()
  .min(8, "Use at least 8 characters for your password.")
  .max(200, "Use at most 200 characters for your password.");

export const signUpSchema = z.strictObject({ name: nameField, email: emailField, password: passwordField });
export const signInSchema = z.strictObject({
  email: emailField,
  password: z.string().min(1, "Enter your password.").max(200),
});
export const addContactSchema = z.strictObject({ email: emailField });
export const contactActionSchema = z.strictObject({
  action: z.enum(["accept", "decline", "remove", "block"]),
});

/** The account page (server/account/service.ts). A current password is checked, not validated: any length up to 200. */
const currentPasswordField = z.string().min(1, "Enter your password.").max(200, "Use at most 200 characters for your password.");
export const changePasswordSchema = z.strictObject({ currentPassword: currentPasswordField, newPassword: passwordField });
export const deleteAccountSchema = z.strictObject({ password: currentPasswordField });
/** A new display name: the sign-up's name rules. */
export const changeNameSchema = z.strictObject({ name: nameField });
/** A new email (normalised as at sign-up), confirmed with the current password. */
export const changeEmailSchema = z.strictObject({ email: emailField, currentPassword: currentPasswordField });
/** A session id as server/auth/sessions.ts#newSessionId makes them (a route parameter). */
export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "No such session.");

export type FieldErrors = Partial<Record<string, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}
