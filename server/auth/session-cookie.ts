// Reads the next-auth session (JWT in a cookie) from a raw Cookie header: the
// Socket.IO handshake has no Next request object, and next-auth v4's getToken
// only reads `req.cookies`, so we parse the header ourselves.
import { parse } from "cookie";
import { getToken } from "next-auth/jwt";
import { isSessionId } from "./sessions";

/** What the cookie's token says: who, and which session (server/auth/sessions.ts; null in a token without one). */
export type SessionUser = { id: string; name: string; sid: string | null };

export async function userFromCookieHeader(
  cookieHeader: string | undefined,
  secret: string,
  secureCookie = false,
): Promise<SessionUser | null> {
  if (!cookieHeader || cookieHeader.length > 16_384) return null;
  const cookies = parse(cookieHeader);
  try {
    const token = await getToken({
      req: { cookies, headers: { cookie: cookieHeader } } as never,
      secret,
      secureCookie,
    });
    if (!token || typeof token.sub !== "string" || token.sub.length === 0) return null;
    return { id: token.sub, name: typeof token.name === "string" ? token.name : "", sid: isSessionId(token.sid) ? token.sid : null };
  } catch {
    return null;
  }
}
