// Presence: contacts (and only contacts) see each other as online, in a call or
// offline, on request (presence:list) and pushed as it changes (presence:update).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  emitAck,
  establish,
  expectOk,
  flush,
  hangup,
  received,
  startHarness,
  waitFor,
  type ClientSocket,
  type Harness,
  type TestUser,
  until,
} from "./harness";

describe("presence", () => {
  let h: Harness;
  let alice: TestUser, bob: TestUser, carol: TestUser, dave: TestUser, stranger: TestUser, pending: TestUser;
  let a: ClientSocket;

  before(async () => {
    h = await startHarness({ ringTimeoutMs: 10_000 });
    [alice, bob, carol, dave, stranger, pending] = [
      await h.createUser("Alice"),
      await h.createUser("Bob"),
      await h.createUser("Carol"),
      await h.createUser("Dave"),
      await h.createUser("Stranger"),
      await h.createUser("Pending"),
    ];
    await h.makeContacts(alice, bob);
    await h.makeContacts(carol, alice);
    await h.makeContacts(alice, dave);
    await h.makeContacts(carol, dave);
    await h.requestContact(pending, alice);
    a = await h.connect(alice);
  });
  after(() => h.close());

  const list = async (s: ClientSocket) => expectOk(await emitAck(s, "presence:list", {})).presence;

  test("presence:list lists exactly the accepted contacts; everyone offline at first", async () => {
    assert.deepEqual(await list(a), { [bob.id]: "offline", [carol.id]: "offline", [dave.id]: "offline" });
  });

  test("a contact connecting is pushed as online, and listed online", async () => {
    const update = waitFor(a, "presence:update", (p) => p.userId === bob.id);
    const b = await h.connect(bob);
    assert.deepEqual(await update, { userId: bob.id, presence: "online" });
    assert.equal((await list(a))[bob.id], "online");
    // And Bob sees Alice online.
    assert.deepEqual(await list(b), { [alice.id]: "online" });
  });

  test("non-contacts and pending requesters are neither listed nor told", async () => {
    const s = await h.connect(stranger);
    const p = await h.connect(pending);
    const presence = await list(a);
    assert.equal(stranger.id in presence, false);
    assert.equal(pending.id in presence, false);
    assert.deepEqual(await list(s), {});
    assert.deepEqual(await list(p), {});
    // Alice going offline and back is pushed to her contact Bob, never to the stranger or the requester.
    const b = await h.connect(bob);
    const offline = waitFor(b, "presence:update", (u) => u.userId === alice.id && u.presence === "offline");
    a.disconnect();
    await offline;
    const online = waitFor(b, "presence:update", (u) => u.userId === alice.id && u.presence === "online");
    a = await h.connect(alice);
    await online;
    await Promise.all([flush(s), flush(p)]);
    assert.deepEqual(received(s, "presence:update"), []);
    assert.deepEqual(received(p, "presence:update"), []);
    b.disconnect();
  });

  test("two tabs: online until the last one closes, then pushed offline", async () => {
    const c1 = await h.connect(carol);
    const c2 = await h.connect(carol);
    const c1Id = c1.id;
    c1.disconnect();
    await until(() => !h.signaling.nsp.sockets.has(c1Id!), "the server to drop the first tab");
    await flush(a);
    assert.equal((await list(a))[carol.id], "online", "still online with one tab left");
    assert.equal(received(a, "presence:update").filter((u) => u.userId === carol.id && u.presence === "offline").length, 0);
    const offline = waitFor(a, "presence:update", (p) => p.userId === carol.id && p.presence === "offline");
    c2.disconnect();
    assert.deepEqual(await offline, { userId: carol.id, presence: "offline" });
    assert.equal((await list(a))[carol.id], "offline");
  });

  test("in a call: pushed and listed as in-call to contacts, back to online when it ends", async () => {
    const c = await h.connect(carol);
    const d = await h.connect(dave);
    const inCall = [carol, dave].map((u) => waitFor(a, "presence:update", (p) => p.userId === u.id && p.presence === "in-call"));
    const call = await establish(c, d, dave.id);
    await Promise.all(inCall);
    const presence = await list(a);
    assert.equal(presence[carol.id], "in-call");
    assert.equal(presence[dave.id], "in-call");
    assert.equal(presence[bob.id], "online");

    const online = [carol, dave].map((u) => waitFor(a, "presence:update", (p) => p.userId === u.id && p.presence === "online"));
    await hangup(c, call.id);
    await Promise.all(online);
    const after = await list(a);
    assert.equal(after[carol.id], "online");
    assert.equal(after[dave.id], "online");
    c.disconnect();
    d.disconnect();
  });

  test("a ringing call is not in-call", async () => {
    const c = await h.connect(carol);
    const d = await h.connect(dave);
    const { call } = expectOk(await emitAck(c, "call:invite", { calleeId: dave.id, kind: "video" }));
    assert.equal((await list(a))[carol.id], "online");
    expectOk(await emitAck(c, "call:cancel", { callId: call.id }));
    c.disconnect();
    d.disconnect();
  });
});
