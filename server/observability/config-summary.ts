// What the start line says about the configuration: enough to tell two nodes'
// settings apart, nothing that grants access (secrets are only "set" or not,
// and URLs lose their passwords).
import type { Env } from "../env";
import { dbKind } from "../db/kind";

export function configSummary(env: Env, authSecretFromEnv: boolean, publicUrl?: string) {
  return {
    nodeEnv: env.NODE_ENV,
    hostname: env.HOSTNAME,
    port: env.PORT,
    publicUrl: publicUrl ?? env.NEXTAUTH_URL,
    database: { kind: dbKind(env.DATABASE_URL), url: withoutPassword(env.DATABASE_URL) },
    redis: env.REDIS_URL ? withoutPassword(env.REDIS_URL) : null,
    authSecret: authSecretFromEnv ? "from AUTH_SECRET" : `generated in ${env.DATA_DIR}`,
    ringTimeoutSeconds: env.RING_TIMEOUT_SECONDS,
    callGraceSeconds: env.CALL_GRACE_SECONDS,
    callSweepSeconds: env.CALL_SWEEP_SECONDS,
    stunUrls: env.STUN_URLS,
    turnUrls: env.TURN_URLS,
    turnSecret: env.TURN_SECRET ? "set" : "unset",
    turnTtlSeconds: env.TURN_TTL_SECONDS,
    ringsPerUserPerMinute: env.RINGS_PER_USER_PER_MINUTE,
    signupsPerIpPerHour: env.SIGNUPS_PER_IP_PER_HOUR,
    logLevel: env.LOG_LEVEL,
    metrics: env.METRICS_TOKEN ? "on (token set)" : "off",
    metricsPort: env.METRICS_PORT ? `127.0.0.1:${env.METRICS_PORT}` : "off",
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
  };
}

/** A URL with its password (and user info) removed; a SQLite file URL as it is. */
export function withoutPassword(url: string): string {
  if (url.startsWith("file:")) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable)";
  }
}
