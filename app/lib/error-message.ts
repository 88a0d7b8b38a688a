"use client";
// Server errors arrive as { code, message } (server/protocol/errors.ts; HTTP
// routes and socket acks alike). The message is English; the code is what the
// browser translates. `contact_invalid` has several causes that share one
// code, told apart by their (stable, server-defined) message.
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { ERROR_CODES, type ErrorCode } from "@/server/protocol/errors";

export type ServerError = { code?: string | null; message?: string | null };

/** server/contacts/service.ts messages of `contact_invalid` → errors.contact.* keys. */
const CONTACT_REASONS = {
  "No Dialtone account uses that email.": "noAccount",
  "You cannot add yourself.": "self",
  "You blocked this person. Unblock them first.": "youBlocked",
  "You are already contacts.": "alreadyContacts",
  "Request already sent.": "alreadySent",
  "There is no request to accept.": "noRequestToAccept",
  "There is no request to decline.": "noRequestToDecline",
  "Not in your contacts.": "notInContacts",
} as const;

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/**
 * `(error) => text` in the reader's language. `null` (no response at all)
 * means the server could not be reached; an unknown code gets a generic text.
 */
export function useErrorMessage(): (error: ServerError | null) => string {
  const t = useTranslations("errors");
  return useCallback(
    (error: ServerError | null) => {
      if (!error) return t("network");
      if (error.code === "contact_invalid" && error.message && Object.hasOwn(CONTACT_REASONS, error.message)) {
        return t(`contact.${CONTACT_REASONS[error.message as keyof typeof CONTACT_REASONS]}`);
      }
      return isErrorCode(error.code) ? t(error.code) : t("unknown");
    },
    [t],
  );
}
