// Sign-up and credential checks against a real database.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ZodError } from "zod";
import { checkCredentials, signUp } from "../../server/auth/accounts";
import { DialtoneError } from "../../server/protocol/errors";
import { startHarness, type Harness } from "./harness";

const isCode = (code: string) => (err: unknown) => err instanceof DialtoneError && err.code === code;

describe("accounts", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test("sign-up stores a normalised email and an argon2id hash, never the password", async () => {
    const user = await signUp(h.db, { name: " Bob ", email: "  Bob@X.io ", password: "hunter2hunter2" });
    assert.deepEqual(Object.keys(user).sort(), ["email", "id", "name"]);
    assert.equal(user.email, "bob@x.io");
    assert.equal(user.name, "Bob");
    const row = await h.db.user.findUniqueOrThrow({ where: { id: user.id } });
    assert.ok(row.passwordHash.startsWith("$argon2id$"), row.passwordHash);
    assert.ok(!row.passwordHash.includes("hunter2"));
  });

  test("a taken email is refused case-insensitively with email_taken", async () => {
    await signUp(h.db, { name: "Dup", email: "Dup@X.io", password: "password-one" });
    await assert.rejects(signUp(h.db, { name: "Dup 2", email: "dup@x.io", password: "password-two" }), isCode("email_taken"));
    await assert.rejects(signUp(h.db, { name: "Dup 3", email: " DUP@X.IO", password: "password-two" }), isCode("email_taken"));
    assert.equal(await h.db.user.count({ where: { email: "dup@x.io" } }), 1);
  });

  test("two sign-ups racing for one email: exactly one account", async () => {
    const results = await Promise.allSettled(
      ["Race@X.io", "race@x.io", "RACE@x.io"].map((email, i) => signUp(h.db, { name: `R${i}`, email, password: "password-race" })),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) if (r.status === "rejected") assert.ok(isCode("email_taken")(r.reason), String(r.reason));
  });

  test("invalid sign-up input is refused before anything is stored", async () => {
    const before = await h.db.user.count();
    await assert.rejects(signUp(h.db, { name: "Short", email: "short@x.io", password: "1234567" }), ZodError);
    await assert.rejects(signUp(h.db, { name: "Bad", email: "not-an-email", password: "long enough" }), ZodError);
    await assert.rejects(signUp(h.db, { name: "Extra", email: "extra@x.io", password: "long enough", admin: true }), ZodError);
    await assert.rejects(signUp(h.db, null), ZodError);
    assert.equal(await h.db.user.count(), before);
  });

  test("checkCredentials: right password → the user; wrong password or unknown email → null", async () => {
    const user = await signUp(h.db, { name: "Carol", email: "carol@x.io", password: "correct horse" });
    assert.deepEqual(await checkCredentials(h.db, "carol@x.io", "correct horse"), { id: user.id, name: "Carol", email: "carol@x.io" });
    assert.deepEqual(await checkCredentials(h.db, "  CAROL@X.io ", "correct horse"), { id: user.id, name: "Carol", email: "carol@x.io" });
    assert.equal(await checkCredentials(h.db, "carol@x.io", "wrong horse"), null);
    assert.equal(await checkCredentials(h.db, "carol@x.io", "Correct horse"), null);
    assert.equal(await checkCredentials(h.db, "carol@x.io", ""), null);
    assert.equal(await checkCredentials(h.db, "nobody@x.io", "correct horse"), null);
  });
});
