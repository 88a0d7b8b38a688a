// Reads the next-auth session (JWT in a cookie) from a raw Cookie header: the
// Socket.IO handshake has no Next request object, and next-auth v4's getToken
// only reads `req.cookies`, so we parse the header ourselves.
//
// The token is decrypted here with the key derived once per secret: next-auth's
// own decode derives it again (HKDF, on libuv's thread pool) for every token,
// which was the largest single cost of a handshake in a reconnect storm
// (bench/reconnect-storm.ts, docs/performance.md B6). The format is next-auth
// v4's (pinned in package.json): a compact JWE, alg "dir", enc "A256GCM", the
// key HKDF-SHA256(secret, salt "", info "NextAuth.js Generated Encryption Key",
// 32 bytes), claims checked as its decode does (exp and nbf, 15 s of clock
// tolerance). tests/unit/auth-cookies.test.ts decodes next-auth's own tokens.
import { createDecipheriv, hkdfSync } from "node:crypto";
import { parse } from "cookie";
import { getToken } from "next-auth/jwt";
import { isSessionId } from "./sessions";

/** What the cookie's token says: who, and which session (server/auth/sessions.ts; null in a token without one). */
export type SessionUser = { id: string; name: string; sid: string | null };

const CLOCK_TOLERANCE_S = 15;
const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    if (keys.size > 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** next-auth v4's decode (see above) with a cached key; throws on anything it would refuse. */
export async function decodeSessionToken({ token, secret }: { token?: string; secret: string | string[] }): Promise<Record<string, unknown> | null> {
  if (!token) return null;
  if (typeof secret !== "string") throw new Error("one secret");
  const parts = token.split(".");
  if (parts.length !== 5) throw new Error("not a compact JWE");
  const [protectedB64, encryptedKey, ivB64, ciphertextB64, tagB64] = parts as [string, string, string, string, string];
  const header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8")) as Record<string, unknown>;
  if (header.alg !== "dir" || header.enc !== "A256GCM" || header.zip !== undefined || header.crit !== undefined || encryptedKey !== "") {
    throw new Error("unexpected JWE header");
  }
  const iv = Buffer.from(ivB64, "base64url");
  const tag = Buffer.from(tagB64, "base64url");
  if (iv.length !== 12 || tag.length !== 16) throw new Error("bad iv or tag");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(secret), iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(protectedB64, "ascii"));
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertextB64, "base64url")), decipher.final()]);
  const payload = JSON.parse(plain.toString("utf8")) as unknown;
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new Error("claims are not an object");
  const claims = payload as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  for (const c of ["exp", "nbf", "iat"] as const) if (claims[c] !== undefined && typeof claims[c] !== "number") throw new Error(`bad ${c}`);
  if (typeof claims.exp === "number" && claims.exp <= now - CLOCK_TOLERANCE_S) throw new Error("expired");
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_S) throw new Error("not yet valid");
  return claims;
}

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
      decode: decodeSessionToken as never,
    });
    if (!token || typeof token.sub !== "string" || token.sub.length === 0) return null;
    return { id: token.sub, name: typeof token.name === "string" ? token.name : "", sid: isSessionId(token.sid) ? token.sid : null };
  } catch {
    return null;
  }
}
