// One mapping from errors to HTTP responses for every route handler.
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { z } from "zod";
import { CLIENT_IP_HEADER } from "../auth/options";
import { secureCookiesFor } from "../auth/cookies";
import { fieldErrors } from "../auth/schemas";
import { userFromCookieHeader } from "../auth/session-cookie";
import { getSessionChecker } from "../auth/sessions";
import { DialtoneError, ERROR_CODES } from "../protocol/errors";
import { getDb } from "../db/client";
import { getLog } from "../observability/log";

export function errorResponse(err: unknown): NextResponse {
  if (err instanceof z.ZodError) {
    return NextResponse.json(
      { ok: false, code: "invalid_payload", message: err.issues[0]?.message ?? ERROR_CODES.invalid_payload.message, fields: fieldErrors(err) },
      { status: 400 },
    );
  }
  if (err instanceof DialtoneError) {
    return NextResponse.json({ ok: false, code: err.code, message: err.message }, { status: err.httpStatus });
  }
  getLog().error({ event: "http.error", err }, "unexpected error in a route");
  return NextResponse.json({ ok: false, code: "internal", message: ERROR_CODES.internal.message }, { status: 500 });
}

export type CurrentSession = { userId: string; sessionId: string; name: string };

/**
 * The request's session, or null: the session cookie's token (decrypted with
 * AUTH_SECRET, as next-auth does) names a user and a session, and that session
 * must still exist (server/auth/sessions.ts: not signed out, not revoked, the
 * account not deleted). For route handlers and server components.
 */
export async function currentSession(): Promise<CurrentSession | null> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return null;
  const token = await userFromCookieHeader((await headers()).get("cookie") ?? undefined, secret, secureCookiesFor());
  if (!token?.sid) return null;
  const ip = (await headers()).get(CLIENT_IP_HEADER) ?? undefined;
  const live = await getSessionChecker().check(getDb(), token.id, token.sid, { ip });
  return live ? { userId: token.id, sessionId: token.sid, name: live.name } : null;
}

/** The request's session, or a DialtoneError("unauthorized") (401). */
export async function requireSession(): Promise<CurrentSession> {
  const session = await currentSession();
  if (!session) throw new DialtoneError("unauthorized");
  return session;
}

/** The signed-in user's id, or a DialtoneError("unauthorized") (see requireSession). */
export async function requireUserId(): Promise<string> {
  return (await requireSession()).userId;
}

/** Parse a JSON body of at most `maxBytes`. */
export async function readJson(req: Request, maxBytes = 8_192): Promise<unknown> {
  const text = await req.text();
  if (text.length > maxBytes) throw new DialtoneError("invalid_payload", "The request is too large.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DialtoneError("invalid_payload");
  }
}

export function clientIp(req: Request): string {
  return req.headers.get(CLIENT_IP_HEADER) ?? "unknown";
}
