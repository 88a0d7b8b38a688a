// The operations settings are checked at start like every other variable, and
// the start line's configuration summary carries no secret.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadEnv } from "../../server/env";
import { configSummary } from "../../server/observability/config-summary";

const base = { NODE_ENV: "test", AUTH_SECRET: "a-secret-of-sufficient-length" } as const;

test("LOG_LEVEL, METRICS_TOKEN and SHUTDOWN_GRACE_SECONDS: defaults, and readable refusals", () => {
  const env = loadEnv(base);
  assert.equal(env.LOG_LEVEL, "info");
  assert.equal(env.METRICS_TOKEN, undefined);
  assert.equal(env.SHUTDOWN_GRACE_SECONDS, 10);
  assert.equal(loadEnv({ ...base, LOG_LEVEL: "debug", METRICS_TOKEN: "0123456789abcdef", SHUTDOWN_GRACE_SECONDS: "3" }).SHUTDOWN_GRACE_SECONDS, 3);
  assert.equal(loadEnv({ ...base, METRICS_TOKEN: "" }).METRICS_TOKEN, undefined);
  assert.throws(() => loadEnv({ ...base, LOG_LEVEL: "verbose" }), /LOG_LEVEL/);
  assert.throws(() => loadEnv({ ...base, METRICS_TOKEN: "short" }), /METRICS_TOKEN: must be at least 16 characters/);
  assert.throws(() => loadEnv({ ...base, SHUTDOWN_GRACE_SECONDS: "0" }), /SHUTDOWN_GRACE_SECONDS/);
});

test("METRICS_PORT: off by default, a port other than PORT", () => {
  assert.equal(loadEnv(base).METRICS_PORT, undefined);
  assert.equal(loadEnv({ ...base, METRICS_PORT: "" }).METRICS_PORT, undefined);
  assert.equal(loadEnv({ ...base, METRICS_PORT: "9464" }).METRICS_PORT, 9464);
  assert.throws(() => loadEnv({ ...base, METRICS_PORT: "70000" }), /METRICS_PORT/);
  assert.throws(() => loadEnv({ ...base, METRICS_PORT: "metrics" }), /METRICS_PORT/);
  assert.throws(() => loadEnv({ ...base, PORT: "3000", METRICS_PORT: "3000" }), /METRICS_PORT: must differ from PORT/);
  assert.equal(configSummary(loadEnv({ ...base, METRICS_PORT: "9464" }), true).metricsPort, "127.0.0.1:9464");
});

test("the configuration summary names no secret", () => {
  const secrets = { AUTH_SECRET: "auth-secret-value-1234", TURN_SECRET: "turn-secret-value-1234", METRICS_TOKEN: "metrics-token-value-1234" };
  const env = loadEnv({
    ...base,
    ...secrets,
    DATABASE_URL: "postgresql://dialtone:db-password-1234@db.internal:5432/dialtone",
    REDIS_URL: "redis://:redis-password-1234@redis.internal:6379",
    TURN_URLS: "turn:turn.example.org:3478",
  });
  const text = JSON.stringify(configSummary(env, true));
  for (const secret of [...Object.values(secrets), "db-password-1234", "redis-password-1234"]) assert.ok(!text.includes(secret), `${secret} in the summary`);
  assert.match(text, /db\.internal:5432/);
  assert.match(text, /turn\.example\.org/);
});
