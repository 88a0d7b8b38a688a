import type { IceServer } from "./protocol/events";
import type { Env } from "./env";
import { turnCredential } from "./turn";

export type IceEnv = Pick<Env, "STUN_URLS" | "TURN_URLS" | "TURN_SECRET" | "TURN_TTL_SECONDS">;

/**
 * ICE servers for one participant, issued when their call starts (accept, rejoin).
 * STUN needs no credential; TURN gets a fresh credential signed for this user,
 * valid for TURN_TTL_SECONDS from now. The secret stays here: only the signed
 * username and its HMAC go out.
 */
export function iceServersFromEnv(env: IceEnv, now: () => number = Date.now): (userId: string) => IceServer[] {
  const stun: IceServer[] = env.STUN_URLS.length > 0 ? [{ urls: env.STUN_URLS }] : [];
  const secret = env.TURN_SECRET;
  if (env.TURN_URLS.length === 0 || !secret) return () => stun;
  const turnUrls = env.TURN_URLS;
  return (userId) => {
    const { username, credential } = turnCredential(secret, userId, env.TURN_TTL_SECONDS, now());
    return [...stun, { urls: turnUrls, username, credential }];
  };
}
