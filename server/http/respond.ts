// One mapping from errors to HTTP responses for every route handler.
import { NextResponse } from "next/server";
import { getServerSession } from "next-auth";
import { z } from "zod";
import { authOptions, CLIENT_IP_HEADER } from "../auth/options";
import { fieldErrors } from "../auth/schemas";
import { DialtoneError, ERROR_CODES } from "../call/errors";
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

/**
 * The signed-in user's id, or a DialtoneError("unauthorized"). A session whose
 * account no longer exists is refused too (JWT sessions cannot be revoked).
 */
export async function requireUserId(): Promise<string> {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) throw new DialtoneError("unauthorized");
  const exists = await getDb().user.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new DialtoneError("unauthorized");
  return id;
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
