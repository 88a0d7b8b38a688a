// Emails are stored normalised (trimmed, lower-cased) and every look-up by email
// normalises the same way, so the database's own comparison never decides:
// equality is case-sensitive on both SQLite and PostgreSQL, and PostgreSQL's
// LIKE/`contains` is case-sensitive where SQLite's is not. Runs on both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkCredentials, signUp } from "../../server/auth/accounts";
import { listContacts, requestContact } from "../../server/contacts/service";
import { findUserByEmail } from "../../server/db/users";
import { startHarness, TEST_DB, type Harness } from "./harness";

describe(`email look-ups (${TEST_DB})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test("sign-up, sign-in, add-contact and findUserByEmail all find a mixed-case, padded email", async () => {
    const dana = await signUp(h.db, { name: "Dana", email: "  Dana.Smith@Example.ORG ", password: "long enough" });
    const eve = await signUp(h.db, { name: "Eve", email: "eve@example.org", password: "long enough" });
    assert.equal(dana.email, "dana.smith@example.org");

    assert.equal((await findUserByEmail(h.db, "DANA.SMITH@example.org "))?.id, dana.id);
    assert.equal((await checkCredentials(h.db, "Dana.Smith@EXAMPLE.org", "long enough"))?.id, dana.id);
    assert.deepEqual(await requestContact(h.db, eve.id, { email: " DANA.smith@Example.org" }), [eve.id, dana.id]);
    assert.deepEqual(
      (await listContacts(h.db, dana.id)).incoming.map((p) => p.email),
      ["eve@example.org"],
    );
  });

  test("the database itself compares emails case-sensitively on both (which is why look-ups normalise)", async () => {
    await signUp(h.db, { name: "Finn", email: "finn@example.org", password: "long enough" });
    assert.equal(await h.db.user.findUnique({ where: { email: "FINN@example.org" } }), null);
  });

  test("`contains` differs: case-insensitive on SQLite, case-sensitive on PostgreSQL (the app does not use it)", async () => {
    await signUp(h.db, { name: "Gus", email: "gus@example.org", password: "long enough" });
    const n = await h.db.user.count({ where: { email: { contains: "GUS@" } } });
    assert.equal(n, TEST_DB === "postgres" ? 0 : 1);
  });
});
