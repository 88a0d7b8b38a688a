// Time-limited TURN credentials in coturn's `use-auth-secret` scheme (the "TURN
// REST API" draft): the server and coturn share one secret; the server signs a
// username that carries its own expiry, and coturn checks the signature and the
// expiry without a database. The secret itself never leaves this process.
import { createHmac } from "node:crypto";

export type TurnConfig = {
  /** turn:/turns: URLs of the coturn server(s) sharing `secret`. */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** How long an issued credential can open new relay allocations. */
  ttlSeconds: number;
};

export type TurnCredential = {
  /** `<unix expiry in seconds>:<user id>`: coturn reads the expiry from the part before the colon. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)): what coturn computes to check it. */
  credential: string;
  /** When coturn stops accepting it for new allocations (Unix seconds). */
  expiresAt: number;
};

/**
 * Signs a credential for one user. The user id goes into the username so that
 * coturn's logs and its per-user quota (`user-quota` counts the part after the
 * colon) see Dialtone users, not anonymous strings.
 */
export function turnCredential(secret: string, userId: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  if (userId.includes(":")) throw new Error("TURN user id must not contain ':'");
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac("sha1", secret).update(username).digest("base64");
  return { username, credential, expiresAt };
}
