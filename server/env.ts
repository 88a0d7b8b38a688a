// Configuration, validated once at start. A bad value stops the process with a
// readable message instead of failing later in a handler.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DATABASE_URL_HINT, dbKindOf } from "./db/kind";
import { LOG_LEVELS } from "./observability/log-levels";
import { parseTrustProxy } from "./http/client-ip";

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOSTNAME: z.string().min(1).default("localhost"),
  DATABASE_URL: z
    .string()
    .default("file:./data/dialtone.db")
    .refine((u) => dbKindOf(u) !== undefined, DATABASE_URL_HINT),
  AUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  RING_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(45),
  CALL_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  /** How often each node sweeps the database for rings past their time and abandoned calls. */
  CALL_SWEEP_SECONDS: z.coerce.number().min(0.2).max(300).default(5),
  STUN_URLS: csv,
  /** coturn URLs (turn:/turns:); browsers get per-user, time-limited credentials for them (server/turn.ts). */
  TURN_URLS: csv.pipe(z.array(z.string().regex(/^turns?:[^\s,]+$/, "each entry must be a turn: or turns: URL, e.g. turn:turn.example.org:3478?transport=udp"))),
  /** coturn's static-auth-secret (use-auth-secret). Never sent to browsers. */
  TURN_SECRET: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().min(16, "must be at least 16 characters (coturn's static-auth-secret)").optional()),
  /**
   * How long an issued TURN credential can open new relay allocations. coturn checks the
   * expiry only when an allocation is made (call start, ICE restart), not on its refreshes:
   * a call that is already relayed outlives its credential.
   */
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Set when several nodes run: Socket.IO Redis Streams adapter, shared rate limits and the live call state. */
  REDIS_URL: z
    .string()
    .optional()
    .refine((u) => !u || /^rediss?:\/\//.test(u), "must be a redis:// or rediss:// URL"),
  RINGS_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Signaling handshakes one client IP may make per minute, and sockets it may hold open per node. */
  HANDSHAKES_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  SOCKETS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(200),
  DATA_DIR: z.string().default("./data"),
  /** pino's level: what the JSON log lines on stdout include (server/observability/log.ts). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /**
   * Bearer token that /metrics asks for (Prometheus' `authorization` setting).
   * Unset: there is no /metrics route (404), so nothing about the server leaks.
   */
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 32)").optional()),
  /**
   * A second port for /metrics only, bound to 127.0.0.1 (no token asked there:
   * only this host reaches it). Set it or METRICS_TOKEN, or both.
   */
  METRICS_PORT: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .pipe(z.number().int().min(1).max(65535).optional()),
  /**
   * How long a node may take to stop after SIGTERM (server/shutdown.ts): it
   * stops taking sockets, sends its clients elsewhere, writes what is queued,
   * and exits; past this it exits anyway (status 1).
   */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /**
   * Which X-Forwarded-For hops to believe (server/http/client-ip.ts): empty = none (the
   * TCP peer is the client), a number of proxies in front of us, or their addresses/CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const trust = parseTrustProxy(v);
      if (typeof trust !== "string") return trust;
      ctx.addIssue({ code: "custom", message: trust });
      return z.NEVER;
    }),
}).superRefine((env, ctx) => {
  // TURN needs both halves: URLs without the secret would hand out credentials coturn refuses.
  if (env.TURN_URLS.length > 0 && !env.TURN_SECRET)
    ctx.addIssue({ code: "custom", path: ["TURN_SECRET"], message: "is required when TURN_URLS is set (coturn's static-auth-secret)" });
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT)
    ctx.addIssue({ code: "custom", path: ["METRICS_PORT"], message: "must differ from PORT" });
  if (env.TURN_SECRET && env.TURN_URLS.length === 0)
    ctx.addIssue({ code: "custom", path: ["TURN_URLS"], message: "is required when TURN_SECRET is set (e.g. turn:turn.example.org:3478?transport=udp)" });
});

export type Env = z.infer<typeof schema> & { AUTH_SECRET: string };

let cached: Env | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  return { ...env, AUTH_SECRET: env.AUTH_SECRET ?? readOrCreateSecret(env.DATA_DIR) };
}

/** The process-wide configuration (also seeds process.env.AUTH_SECRET for next-auth). */
export function getEnv(): Env {
  if (!cached) {
    cached = loadEnv();
    process.env.AUTH_SECRET = cached.AUTH_SECRET;
    process.env.NEXTAUTH_SECRET = cached.AUTH_SECRET;
  }
  return cached;
}

/** An auth secret generated once and kept in the data directory (mode 0600). */
function readOrCreateSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "auth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    // another process wrote it first: use theirs
    return fs.readFileSync(file, "utf8").trim();
  }
}
