// Rate limits on the account entry points, through the real code paths:
// next-auth's authorize() for sign-in (10 attempts per email and 50 per IP
// per 15 min) and the /api/signup route handler (SIGNUPS_PER_IP_PER_HOUR).
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { signUp } from "../../server/auth/accounts";
import { authOptions, CLIENT_IP_HEADER } from "../../server/auth/options";
import { createDb, setDb, type Db } from "../../server/db/client";
import { migrateSqlite } from "../../server/db/migrate";
import { createLimits, setLimits } from "../../server/rate-limits";
import { POST as signUpRoute } from "../../app/api/signup/route";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;

describe("rate limits on sign-in and sign-up", () => {
  let dir: string;
  let db: Db;
  let authorize: Authorize;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-ratelimit-"));
    const url = `file:${path.join(dir, "rl.db")}`;
    migrateSqlite(url);
    db = createDb(url);
    setDb(url, db);
    setLimits(createLimits({ signUpsPerHour: 3 }));
    const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
    authorize = provider.options.authorize;
    await signUp(db, { name: "Ada", email: "ada@limits.test", password: "correct-password" });
  });
  after(async () => {
    await db.$disconnect();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const from = (ip: string) => ({ headers: { [CLIENT_IP_HEADER]: ip } });

  test("sign-in: 10 wrong passwords for one email, then even the right one is refused for a while", async () => {
    for (let i = 0; i < 10; i++) assert.equal(await authorize({ email: "ada@limits.test", password: `wrong-${i}` }, from(`10.0.0.${i}`)), null);
    await assert.rejects(authorize({ email: "ada@limits.test", password: "correct-password" }, from("10.0.1.1")), /rate_limited/);
    // Another account is not affected.
    await signUp(db, { name: "Bea", email: "bea@limits.test", password: "correct-password" });
    const bea = (await authorize({ email: "bea@limits.test", password: "correct-password" }, from("10.0.1.1"))) as { name: string };
    assert.equal(bea.name, "Bea");
  });

  test("sign-in: 50 attempts from one IP across many emails, then that IP is refused", async () => {
    for (let i = 0; i < 50; i++) assert.equal(await authorize({ email: `nobody-${i}@limits.test`, password: "x" }, from("192.0.2.7")), null);
    await assert.rejects(authorize({ email: "fresh@limits.test", password: "x" }, from("192.0.2.7")), /rate_limited/);
    assert.equal(await authorize({ email: "fresh@limits.test", password: "x" }, from("192.0.2.8")), null, "another IP still gets an answer");
  });

  test("sign-up: SIGNUPS_PER_IP_PER_HOUR from one IP, then 429 rate_limited; other IPs are not affected", async () => {
    const post = (ip: string, n: number) =>
      signUpRoute(
        new Request("http://dialtone.test/api/signup", {
          method: "POST",
          headers: { "content-type": "application/json", [CLIENT_IP_HEADER]: ip },
          body: JSON.stringify({ name: `User ${n}`, email: `user-${ip}-${n}@limits.test`, password: "long-enough-1" }),
        }),
      );
    for (let i = 0; i < 3; i++) assert.equal((await post("198.51.100.1", i)).status, 201);
    const refused = await post("198.51.100.1", 99);
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { code: string }).code, "rate_limited");
    assert.equal((await post("198.51.100.2", 0)).status, 201);
  });
});
