// Rate limits on the account entry points, through the real code paths:
// next-auth's authorize() for sign-in (failures per email and IP, per IP, and a
// slow-down per email: server/auth/sign-in-guard.ts) and the /api/signup route
// handler (SIGNUPS_PER_IP_PER_HOUR).
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
    setLimits(createLimits({ signUpsPerHour: 3, signInFailuresPerIp: 20 }));
    const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
    authorize = provider.options.authorize;
    await signUp(db, { name: "Ada", email: "ada@limits.test", password: "correct-password" });
  });
  after(async () => {
    await db.$disconnect();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const from = (ip: string) => ({ headers: { [CLIENT_IP_HEADER]: ip } });

  test("sign-in: 10 wrong passwords for an email from IP X, then the right one from IP Y is signed in; X is refused for that email", async () => {
    for (let i = 0; i < 10; i++) assert.equal(await authorize({ email: "ada@limits.test", password: `wrong-${i}` }, from("10.0.0.1")), null);
    const ada = (await authorize({ email: "ada@limits.test", password: "correct-password" }, from("10.0.1.1"))) as { name: string } | null;
    assert.equal(ada?.name, "Ada", "the owner from a clean address gets in");
    // The guessing address is refused for that email, even with the right password.
    await assert.rejects(authorize({ email: "ada@limits.test", password: "correct-password" }, from("10.0.0.1")), /rate_limited/);
    // Another account from the same address is not affected.
    await signUp(db, { name: "Bea", email: "bea@limits.test", password: "correct-password" });
    const bea = (await authorize({ email: "bea@limits.test", password: "correct-password" }, from("10.0.0.1"))) as { name: string };
    assert.equal(bea.name, "Bea");
  });

  test("sign-in: a success clears that address's consecutive failures", async () => {
    await signUp(db, { name: "Cy", email: "cy@limits.test", password: "correct-password" });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) assert.equal(await authorize({ email: "cy@limits.test", password: "nope" }, from("10.0.2.1")), null);
      assert.ok(await authorize({ email: "cy@limits.test", password: "correct-password" }, from("10.0.2.1")), `round ${round}`);
    }
  });

  test("sign-in: many guesses from one IP across many emails, then that IP is refused (others are not)", async () => {
    // signInFailuresPerIp is 20 here (100 a day by default).
    for (let i = 0; i < 20; i++) assert.equal(await authorize({ email: `nobody-${i}@limits.test`, password: "x" }, from("192.0.2.7")), null);
    await assert.rejects(authorize({ email: "fresh@limits.test", password: "x" }, from("192.0.2.7")), /rate_limited/);
    await assert.rejects(authorize({ email: "ada@limits.test", password: "correct-password" }, from("192.0.2.7")), /rate_limited/);
    assert.equal(await authorize({ email: "fresh@limits.test", password: "x" }, from("192.0.2.8")), null, "another IP still gets an answer");
  });

  test("sign-in: guesses at one email from many IPs slow its answers down but never refuse the owner", async () => {
    await signUp(db, { name: "Dee", email: "dee@limits.test", password: "correct-password" });
    for (let i = 0; i < 12; i++) assert.equal(await authorize({ email: "dee@limits.test", password: "nope" }, from(`172.16.0.${i}`)), null);
    const started = Date.now();
    const dee = (await authorize({ email: "dee@limits.test", password: "correct-password" }, from("172.16.9.9"))) as { name: string } | null;
    assert.equal(dee?.name, "Dee");
    assert.ok(Date.now() - started >= 500, "the answer was slowed down");
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
