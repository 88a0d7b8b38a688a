// Who may ring whom: only mutually accepted contacts, and never across a block.
// A refused invite rings nobody and leaves no call row behind.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pairKey } from "../../server/authz";
import { ContactDirectory, contactName } from "../../server/contacts/directory";
import { unblock } from "../../server/contacts/service";
import { emitAck, expectError, expectOk, flush, received, startHarness, type ClientSocket, type Harness, type TestUser } from "./harness";

describe("call:invite authorisation", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** Invites and expects `code`; the callee's socket must not ring and no call row may exist. */
  async function expectRefused(caller: TestUser, callee: TestUser, code: "not_contact") {
    const from = await h.connect(caller);
    const to = await h.connect(callee);
    expectError(await emitAck(from, "call:invite", { calleeId: callee.id, kind: "video" }), code, "invite");
    await flush(to);
    assert.equal(received(to, "call:incoming").length, 0, "the callee must not ring");
    assert.equal(await h.db.call.count({ where: { callerId: caller.id } }), 0, "no call row");
    from.disconnect();
    to.disconnect();
  }

  test("accepted contacts can ring (control)", async () => {
    const [a, b] = [await h.createUser("A"), await h.createUser("B")];
    await h.makeContacts(a, b);
    const sa = await h.connect(a);
    const sb = await h.connect(b);
    const res = expectOk(await emitAck(sa, "call:invite", { calleeId: b.id, kind: "audio" }));
    assert.equal(res.call.status, "ringing");
    assert.equal(res.call.kind, "audio");
    assert.deepEqual(res.call.caller, { id: a.id, name: a.name });
    assert.deepEqual(res.call.callee, { id: b.id, name: b.name });
    expectOk(await emitAck(sa, "call:cancel", { callId: res.call.id }));
    await flush(sb);
    assert.equal(received(sb, "call:incoming").length, 1);
  });

  test("a stranger's invite → not_contact", async () => {
    await expectRefused(await h.createUser("Stranger"), await h.createUser("Target"), "not_contact");
  });

  test("a pending (unaccepted) request does not allow ringing, in either direction", async () => {
    const [a, b] = [await h.createUser("Asker"), await h.createUser("Asked")];
    await h.requestContact(a, b);
    await expectRefused(a, b, "not_contact");
    await expectRefused(b, a, "not_contact");
  });

  test("blocking (through the contacts service) stops ringing, in either direction", async () => {
    const [a, b] = [await h.createUser("Blocker"), await h.createUser("Blocked")];
    await h.makeContacts(a, b);
    await h.block(a, b);
    await expectRefused(b, a, "not_contact");
    await expectRefused(a, b, "not_contact");
  });

  test("a block wins even over an accepted contact row, in either direction", async () => {
    // The contacts service removes the contact row when blocking; this checks
    // the call path's own block check, should both rows ever coexist.
    const [a, b] = [await h.createUser("Ann"), await h.createUser("Ben")];
    await h.makeContacts(a, b);
    await h.db.block.create({ data: { blockerId: a.id, blockedId: b.id } });
    await expectRefused(b, a, "not_contact");
    await expectRefused(a, b, "not_contact");
  });

  test("you cannot ring yourself or someone who does not exist", async () => {
    const a = await h.createUser("Solo");
    const sa = await h.connect(a);
    expectError(await emitAck(sa, "call:invite", { calleeId: a.id, kind: "video" }), "not_contact");
    expectError(await emitAck(sa, "call:invite", { calleeId: "no_such_user", kind: "video" }), "not_contact");
  });

  test("the ring rate limit: 20 invites a minute per user, then rate_limited", async () => {
    const [a, b] = [await h.createUser("Eager"), await h.createUser("Patient")];
    await h.makeContacts(a, b);
    const sockets: ClientSocket[] = [];
    // Spread over sockets so the per-socket message limit (100/s) is not what trips.
    for (let i = 0; i < 3; i++) sockets.push(await h.connect(a));
    for (let i = 0; i < 20; i++) {
      const s = sockets[i % sockets.length]!;
      const res = expectOk(await emitAck(s, "call:invite", { calleeId: b.id, kind: "video" }), `invite ${i + 1}`);
      expectOk(await emitAck(s, "call:cancel", { callId: res.call.id }), `cancel ${i + 1}`);
    }
    expectError(await emitAck(sockets[0]!, "call:invite", { calleeId: b.id, kind: "video" }), "rate_limited");
    assert.equal(await h.db.call.count({ where: { callerId: a.id } }), 20);
  });

  // Who may ring whom is answered from memory (server/contacts/directory.ts).
  // These prove it is never stale where it matters and always agrees with the
  // database's rows (an accepted Contact row, no Block either way).

  test("a block, an unblock and a new contact take effect on the very next invite, from sockets that rang before", async () => {
    const [a, b] = [await h.createUser("Kim"), await h.createUser("Lee")];
    await h.makeContacts(a, b);
    const sa = await h.connect(a);
    const sb = await h.connect(b);
    const first = expectOk(await emitAck(sa, "call:invite", { calleeId: b.id, kind: "video" }));
    expectOk(await emitAck(sa, "call:cancel", { callId: first.call.id }));
    await h.block(b, a);
    expectError(await emitAck(sa, "call:invite", { calleeId: b.id, kind: "video" }), "not_contact");
    expectError(await emitAck(sb, "call:invite", { calleeId: a.id, kind: "video" }), "not_contact");
    await unblock(h.db, b.id, a.id);
    // Unblocked is not a contact again (the block removed the contact row).
    expectError(await emitAck(sa, "call:invite", { calleeId: b.id, kind: "video" }), "not_contact");
    await h.makeContacts(a, b);
    const again = expectOk(await emitAck(sb, "call:invite", { calleeId: a.id, kind: "audio" }));
    expectOk(await emitAck(sb, "call:cancel", { callId: again.call.id }));
  });

  /** What the call service asks on an invite (server/calls/service.ts). */
  const mayRing = async (directory: ContactDirectory, callerId: string, calleeId: string) => {
    const entry = callerId === calleeId ? null : await directory.entry(callerId);
    return entry !== null && contactName(entry, calleeId) !== undefined;
  };
  /** The rule, read straight from the rows. */
  const rowsSayMayRing = async (a: string, b: string) => {
    if (a === b) return false;
    const contact = await h.db.contact.findUnique({ where: { pairKey: pairKey(a, b) }, select: { status: true } });
    const block = await h.db.block.findFirst({ where: { OR: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] } });
    return contact?.status === "accepted" && block === null;
  };

  test("the directory agrees with the database's rows for every pair, in every contact state", async () => {
    const users = [await h.createUser("U0"), await h.createUser("U1"), await h.createUser("U2"), await h.createUser("U3"), await h.createUser("U4")];
    const [u0, u1, u2, u3, u4] = users as [TestUser, TestUser, TestUser, TestUser, TestUser];
    await h.makeContacts(u0, u1); // accepted
    await h.requestContact(u0, u2); // pending
    await h.makeContacts(u1, u2);
    await h.block(u2, u1); // blocked (row removed)
    await h.makeContacts(u3, u0);
    await h.makeContacts(u3, u4);
    await h.db.block.create({ data: { blockerId: u4.id, blockedId: u3.id } }); // block beside an accepted row
    const directory = new ContactDirectory(h.db);
    let checked = 0;
    for (const x of users) {
      for (const y of users) {
        assert.equal(await mayRing(directory, x.id, y.id), await rowsSayMayRing(x.id, y.id), `${x.name} → ${y.name}`);
        checked++;
      }
    }
    assert.equal(checked, 25);
    assert.equal(await mayRing(directory, u0.id, u1.id), true, "control");
  });

  test("entries expire: a write made outside the app is seen after the time to live", async () => {
    const [a, b] = [await h.createUser("Old"), await h.createUser("New")];
    await h.makeContacts(a, b);
    const directory = new ContactDirectory(h.db, { ttlMs: 150 });
    assert.equal(await mayRing(directory, a.id, b.id), true);
    await h.db.block.create({ data: { blockerId: b.id, blockedId: a.id } });
    assert.equal(await mayRing(directory, a.id, b.id), true, "cached");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await mayRing(directory, a.id, b.id), false, "reloaded");
  });
});
