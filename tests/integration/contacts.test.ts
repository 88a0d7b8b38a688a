// Contacts: requests, acceptance, removal and blocking, one row per pair.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DialtoneError } from "../../server/protocol/errors";
import { ContactDirectory, contactName } from "../../server/contacts/directory";
import { actOnContact, listContacts, requestContact, unblock } from "../../server/contacts/service";
import type { Db } from "../../server/db/client";
import { startHarness, type Harness, type TestUser } from "./harness";

const isCode = (code: string) => (err: unknown) => err instanceof DialtoneError && err.code === code;
const ids = (people: { id: string }[]) => people.map((p) => p.id);
/** The ringing permission the call service asks (a fresh directory: straight from the rows). */
const mayRing = async (db: Db, callerId: string, calleeId: string) => {
  const entry = await new ContactDirectory(db).entry(callerId);
  return entry !== null && contactName(entry, calleeId) !== undefined;
};

describe("contacts", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function two(): Promise<[TestUser, TestUser]> {
    return [await h.createUser("Ann"), await h.createUser("Ben")];
  }

  test("request → pending on both sides (outgoing / incoming); accept → contacts on both sides", async () => {
    const [a, b] = await two();
    assert.deepEqual((await requestContact(h.db, a.id, { email: b.email.toUpperCase() })).sort(), [a.id, b.id].sort());
    const la = await listContacts(h.db, a.id);
    const lb = await listContacts(h.db, b.id);
    assert.deepEqual(ids(la.outgoing), [b.id]);
    assert.deepEqual(la.incoming, []);
    assert.deepEqual(la.contacts, []);
    assert.deepEqual(ids(lb.incoming), [a.id]);
    assert.deepEqual(lb.outgoing, []);
    assert.deepEqual(lb.incoming[0], { id: a.id, name: a.name, email: a.email });
    assert.ok(!ids((await listContacts(h.db, a.id)).contacts).includes(b.id), "pending is not a contact");

    // Only the addressee can accept.
    await assert.rejects(actOnContact(h.db, a.id, b.id, { action: "accept" }), isCode("contact_invalid"));
    await actOnContact(h.db, b.id, a.id, { action: "accept" });
    const la2 = await listContacts(h.db, a.id);
    const lb2 = await listContacts(h.db, b.id);
    assert.deepEqual(ids(la2.contacts), [b.id]);
    assert.deepEqual(ids(lb2.contacts), [a.id]);
    assert.deepEqual([la2.incoming, la2.outgoing, lb2.incoming, lb2.outgoing], [[], [], [], []]);
    // Asking again is refused.
    await assert.rejects(requestContact(h.db, a.id, { email: b.email }), isCode("contact_invalid"));
    await assert.rejects(requestContact(h.db, b.id, { email: a.email }), isCode("contact_invalid"));
  });

  test("asking back accepts; a duplicate request is refused; one row per pair", async () => {
    const [a, b] = await two();
    await requestContact(h.db, a.id, { email: b.email });
    await assert.rejects(requestContact(h.db, a.id, { email: b.email }), isCode("contact_invalid"));
    await requestContact(h.db, b.id, { email: a.email });
    assert.deepEqual(ids((await listContacts(h.db, a.id)).contacts), [b.id]);
    assert.equal(await mayRing(h.db, b.id, a.id), true);
    assert.equal(await h.db.contact.count({ where: { OR: [{ requesterId: a.id }, { requesterId: b.id }] } }), 1);
  });

  test("decline removes the request", async () => {
    const [a, b] = await two();
    await requestContact(h.db, a.id, { email: b.email });
    await assert.rejects(actOnContact(h.db, a.id, b.id, { action: "decline" }), isCode("contact_invalid"));
    await actOnContact(h.db, b.id, a.id, { action: "decline" });
    assert.deepEqual((await listContacts(h.db, a.id)).outgoing, []);
    assert.deepEqual((await listContacts(h.db, b.id)).incoming, []);
  });

  test("remove ends the contact for both sides", async () => {
    const [a, b] = await two();
    await h.makeContacts(a, b);
    await actOnContact(h.db, b.id, a.id, { action: "remove" });
    assert.deepEqual((await listContacts(h.db, a.id)).contacts, []);
    assert.deepEqual((await listContacts(h.db, b.id)).contacts, []);
    assert.equal(await mayRing(h.db, a.id, b.id), false);
    await assert.rejects(actOnContact(h.db, b.id, a.id, { action: "remove" }), isCode("contact_invalid"));
  });

  test("block: removes the contact, lists the blocked person, and their requests create nothing", async () => {
    const [a, b] = await two();
    await h.makeContacts(a, b);
    await h.block(a, b);
    const la = await listContacts(h.db, a.id);
    assert.deepEqual(la.contacts, []);
    assert.deepEqual(ids(la.blocked), [b.id]);
    assert.deepEqual(await listContacts(h.db, b.id), { contacts: [], incoming: [], outgoing: [], blocked: [] });
    assert.equal(await mayRing(h.db, b.id, a.id), false);

    // The blocked user's request "succeeds" for them (they are not told) but creates nothing.
    assert.deepEqual(await requestContact(h.db, b.id, { email: a.email }), [b.id]);
    assert.equal(await h.db.contact.count({ where: { OR: [{ requesterId: b.id }, { addresseeId: b.id }] } }), 0);
    assert.deepEqual((await listContacts(h.db, a.id)).incoming, []);
    // The blocker must unblock before asking.
    await assert.rejects(requestContact(h.db, a.id, { email: b.email }), isCode("contact_invalid"));
    await unblock(h.db, a.id, b.id);
    await requestContact(h.db, a.id, { email: b.email });
    assert.deepEqual(ids((await listContacts(h.db, b.id)).incoming), [a.id]);
  });

  test("adding yourself or an unknown email → contact_invalid; nothing stored", async () => {
    const [a] = await two();
    await assert.rejects(requestContact(h.db, a.id, { email: a.email }), isCode("contact_invalid"));
    await assert.rejects(requestContact(h.db, a.id, { email: ` ${a.email.toUpperCase()} ` }), isCode("contact_invalid"));
    await assert.rejects(requestContact(h.db, a.id, { email: "nobody-here@test.dialtone" }), isCode("contact_invalid"));
    await assert.rejects(actOnContact(h.db, a.id, a.id, { action: "block" }), isCode("contact_invalid"));
    await assert.rejects(actOnContact(h.db, a.id, "no_such_user", { action: "block" }), isCode("contact_invalid"));
    assert.equal(await h.db.contact.count({ where: { OR: [{ requesterId: a.id }, { addresseeId: a.id }] } }), 0);
    assert.equal(await h.db.block.count({ where: { blockerId: a.id } }), 0);
  });

  test("malformed input is refused by the schemas", async () => {
    const [a] = await two();
    await assert.rejects(requestContact(h.db, a.id, { email: "not an email" }));
    await assert.rejects(requestContact(h.db, a.id, {}));
    await assert.rejects(actOnContact(h.db, a.id, "someone", { action: "promote" }));
  });
});
