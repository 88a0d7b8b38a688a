// The one error type of Dialtone. Every failure a client can see has a code
// from this table; socket acks and HTTP responses both map from it. Part of
// the wire contract (server/protocol/): the browser reads the codes too.

export const ERROR_CODES = {
  /** The payload failed its schema (wrong type, missing/extra field, too large). */
  invalid_payload: { http: 400, message: "The request was malformed." },
  /** No valid session: socket handshake or HTTP request without a signed-in user. */
  unauthorized: { http: 401, message: "Sign in first." },
  /** Caller and callee are not mutually accepted contacts, or one blocked the other. */
  not_contact: { http: 403, message: "You can only call your contacts." },
  /** The call does not exist, or the sender is not a participant (never says which). */
  not_found: { http: 404, message: "No such call." },
  /** The call is not in a state that allows this (e.g. accept after it ended). */
  invalid_state: { http: 409, message: "The call is no longer available." },
  /** Another device of the callee accepted first. */
  answered_elsewhere: { http: 409, message: "Answered on another device." },
  /** The caller is already in a call (ringing or active). */
  caller_busy: { http: 409, message: "You are already in a call." },
  /** A signaling message for a call this socket has not joined. */
  not_in_call: { http: 403, message: "This connection is not part of that call." },
  /** A user who hides their IP address sent a host or server-reflexive candidate (server/privacy.ts). */
  relay_only: { http: 403, message: "Your privacy setting allows relayed connections only." },
  /** Email already registered (sign-up). */
  email_taken: { http: 409, message: "An account with that email already exists." },
  /** The account page: the current password given to change the password or delete the account is not the account's. */
  wrong_password: { http: 403, message: "That password is not correct." },
  /** Adding yourself, an unknown email, or a duplicate request. */
  contact_invalid: { http: 400, message: "That contact cannot be added." },
  /** HTTP only: a request body over the server's limit (server/http/body-limit.ts); the connection is closed. */
  payload_too_large: { http: 413, message: "The request is too large." },
  /** HTTP only: a state-changing request from another site's page (server/http/same-origin.ts). */
  forbidden_origin: { http: 403, message: "Requests from other sites are not allowed." },
  /** Too many attempts; retry later. */
  rate_limited: { http: 429, message: "Too many attempts. Try again in a moment." },
  /** Unexpected server failure; nothing was changed. */
  internal: { http: 500, message: "Something went wrong on the server." },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DialtoneError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERROR_CODES[code].message);
    this.code = code;
    this.name = "DialtoneError";
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export type AckError = { ok: false; code: ErrorCode; message: string };

export function toAckError(err: unknown): AckError {
  if (err instanceof DialtoneError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: "internal", message: ERROR_CODES.internal.message };
}
