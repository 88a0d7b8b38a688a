// The account page's operations (server/account/service.ts, what the routes in
// app/api/account/ call) against a real database and signaling server:
// sessions are server-known, signing one out disconnects its sockets at once
// and refuses its cookie from then on; nobody can sign out another user's
// session; a new display name reaches contacts at once (their list, a new
// ring, their history) with no cache left holding the old one; a new email
// needs the password, is normalised, and is the only one that signs in; a new
// password signs out every other session; deleting the account
// ends its calls and sessions and leaves the other side's history readable,
// with the name gone ("Deleted user" on the page). The same routes through the
// real server: tests/e2e/account.spec.ts; across nodes: tests/multinode.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { ZodError } from "zod";
import { accountOverview, changeEmail, changeName, changePassword, deleteAccount, endOtherSessions, endSession } from "../../server/account/service";
import { checkCredentials, signUp } from "../../server/auth/accounts";
import { getSessionChecker } from "../../server/auth/sessions";
import { DialtoneError } from "../../server/protocol/errors";
import { actOnContact, listContacts, requestContact } from "../../server/contacts/service";
import { listHistory } from "../../server/history/service";
import { setSignalingNamespace } from "../../server/realtime";
import { emitAck, establish, expectError, expectOk, flush, hangup, received, ring, startHarness, until, waitFor, type ClientSocket, type Harness } from "./harness";

const isCode = (code: string) => (err: unknown) => err instanceof DialtoneError && err.code === code;

/** Resolves with how long after `since` the socket was disconnected by the server (fails after 5 s). */
function disconnected(socket: ClientSocket, since: () => number): Promise<{ ms: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the socket was not disconnected within 5 s")), 5_000);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - since(), reason });
    });
  });
}

describe("account: sessions, name, email, password, deletion", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    // As server/index.ts does: the services tell open tabs through this namespace (contacts:changed).
    setSignalingNamespace(h.signaling.nsp);
  });
  after(async () => {
    setSignalingNamespace(undefined);
    await h.close();
  });

  test("signing out one of your own sessions: its sockets are told and closed at once, its cookie is refused from then on, your other sessions go on", async () => {
    const ann = await h.createUser("Ann");
    const laptop = await h.signIn(ann, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
    const phone = await h.signIn(ann, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1");
    const phoneTabs = [await h.connect({ cookie: phone.cookie }), await h.connect({ cookie: phone.cookie })];
    const laptopTab = await h.connect({ cookie: laptop.cookie });

    const listed = await accountOverview(h.db, ann.id, laptop.sid);
    assert.deepEqual(
      listed.sessions.map((s) => [s.current, s.browser, s.system, s.mobile, s.ip]),
      [
        [true, "Chrome", "Linux", false, "127.0.0.1"],
        [false, "Safari", "iOS", true, "127.0.0.1"],
      ],
    );
    assert.deepEqual(listed.user, { id: ann.id, name: "Ann", email: ann.email });

    let t0 = 0;
    const gone = phoneTabs.map((s) => disconnected(s, () => t0));
    const told = phoneTabs.map((s) => waitFor(s, "session:ended"));
    t0 = performance.now();
    assert.deepEqual(await endSession(h.db, ann.id, phone.sid), [phone.sid]);
    await Promise.all(told);
    const closes = await Promise.all(gone);
    for (const c of closes) assert.equal(c.reason, "io server disconnect");
    console.log(`[metric] session signed out → its sockets closed: ${Math.max(...closes.map((c) => c.ms)).toFixed(1)} ms`);
    assert.ok(Math.max(...closes.map((c) => c.ms)) < 5_000);

    assert.equal(await h.connectError(phone.cookie), "unauthorized");
    await flush(laptopTab);
    assert.equal(laptopTab.connected, true);
    assert.equal(received(laptopTab, "session:ended").length, 0);
    assert.deepEqual((await accountOverview(h.db, ann.id, laptop.sid)).sessions.map((s) => s.id), [laptop.sid]);
  });

  test("signing out another user's session is refused (not_found) and changes nothing; a malformed id is invalid", async () => {
    const victim = await h.createUser("Vic");
    const mallory = await h.createUser("Mallory");
    const vic = await h.signIn(victim);
    await h.signIn(mallory);
    const vicTab = await h.connect({ cookie: vic.cookie });
    await assert.rejects(endSession(h.db, mallory.id, vic.sid), isCode("not_found"));
    await assert.rejects(endSession(h.db, mallory.id, "../../etc/passwd"), ZodError);
    await assert.rejects(endSession(h.db, mallory.id, "x".repeat(65)), ZodError);
    // "Everywhere else" is only ever the caller's own sessions.
    await endOtherSessions(h.db, mallory.id, "mallory-has-no-such-session");
    await flush(vicTab);
    assert.equal(vicTab.connected, true);
    assert.equal(await h.db.session.count({ where: { id: vic.sid } }), 1);
    assert.equal((await h.connect({ cookie: vic.cookie })).connected, true);
  });

  test("sign out everywhere else: every other session of yours ends, this one stays", async () => {
    const bea = await h.createUser("Bea");
    const here = await h.signIn(bea);
    const others = [await h.signIn(bea), await h.signIn(bea)];
    const hereTab = await h.connect({ cookie: here.cookie });
    const otherTabs = await Promise.all(others.map((o) => h.connect({ cookie: o.cookie })));
    const gone = otherTabs.map((s) => disconnected(s, () => 0));
    const ended = await endOtherSessions(h.db, bea.id, here.sid);
    assert.deepEqual(ended.sort(), others.map((o) => o.sid).sort());
    await Promise.all(gone);
    for (const o of others) assert.equal(await h.connectError(o.cookie), "unauthorized");
    await flush(hereTab);
    assert.equal(hereTab.connected, true);
  });

  test("a new display name (the sign-up's rules, trimmed): contacts see it at once in their list, a new ring both ways and their history; the session check (the header) reads it; the user's own other tabs are told; people with a request or a block see it too", async () => {
    const ann = await h.createUser("Ann");
    const bob = await h.createUser("Bob");
    const pia = await h.createUser("Pia");
    const gil = await h.createUser("Gil");
    await h.makeContacts(ann, bob);
    await h.requestContact(pia, ann); // Pia's outgoing list shows Ann
    await h.block(gil, ann); // Gil's blocked list shows Ann
    const annSession = await h.signIn(ann);
    const aTab = await h.connect({ cookie: annSession.cookie });
    const bTab = await h.connect(bob);
    const pTab = await h.connect(pia);
    const gTab = await h.connect(gil);
    // Every cache that holds Ann's name is warm: the session check, the contact directory (a ring each way), and a call in Bob's history.
    assert.equal((await getSessionChecker().check(h.db, ann.id, annSession.sid))?.name, "Ann");
    const before = await ring(aTab, bTab, bob.id);
    assert.equal(before.caller.name, "Ann");
    await hangup(aTab, before.id);
    const back = await ring(bTab, aTab, ann.id);
    assert.equal(back.callee.name, "Ann");
    await hangup(bTab, back.id);

    for (const bad of [{ name: "" }, { name: "   " }, { name: "x".repeat(81) }, { name: 42 }, {}, { name: "Ok", email: "x@y.z" }]) {
      await assert.rejects(changeName(h.db, ann.id, bad), ZodError, JSON.stringify(bad));
    }
    assert.equal((await h.db.user.findUniqueOrThrow({ where: { id: ann.id } })).name, "Ann");

    const told = [bTab, pTab, gTab].map((s) => waitFor(s, "contacts:changed"));
    // Ann's own other tab (another device) is told her new name.
    const renamed = waitFor(aTab, "account:renamed");
    assert.equal(await changeName(h.db, ann.id, { name: "  Ann Rivera  " }), "Ann Rivera");
    await Promise.all(told);
    assert.deepEqual(await renamed, { name: "Ann Rivera" });
    for (const other of [bTab, pTab, gTab]) assert.equal(received(other, "account:renamed").length, 0, "only Ann's own sockets hear her rename");
    assert.deepEqual((await listContacts(h.db, bob.id)).contacts.map((c) => c.name), ["Ann Rivera"]);
    assert.deepEqual((await listContacts(h.db, pia.id)).outgoing.map((c) => c.name), ["Ann Rivera"]);
    assert.deepEqual((await listContacts(h.db, gil.id)).blocked.map((c) => c.name), ["Ann Rivera"]);
    assert.equal((await getSessionChecker().check(h.db, ann.id, annSession.sid))?.name, "Ann Rivera");
    assert.equal((await accountOverview(h.db, ann.id, annSession.sid)).user.name, "Ann Rivera");
    // Rings carry the new name: Bob's ring dialog (call:incoming), and Bob's own invite to Ann.
    const incoming = waitFor(bTab, "call:incoming");
    const placed = expectOk(await emitAck(aTab, "call:invite", { calleeId: bob.id, kind: "audio" }), "invite");
    assert.equal((await incoming).call.caller.name, "Ann Rivera");
    await hangup(aTab, placed.call.id);
    const called = await ring(bTab, aTab, ann.id);
    assert.equal(called.callee.name, "Ann Rivera");
    await hangup(bTab, called.id);
    // Bob's history names her by her new name, older calls included.
    await until(async () => (await listHistory(h.db, bob.id)).entries.length === 4, "four calls in Bob's history");
    assert.deepEqual(new Set((await listHistory(h.db, bob.id)).entries.map((e) => e.other.name)), new Set(["Ann Rivera"]));
    // Nobody else was told: Ann's own list did not change.
    await flush(aTab);
    assert.equal(received(aTab, "contacts:changed").length, 0);
  });

  test("a new email: needs the right password, must be free and valid, is normalised as at sign-up; then only the new email signs in, sessions stay, contacts' lists show it", async () => {
    const kim = await h.createUser("Kim");
    const lou = await h.createUser("Lou");
    await h.makeContacts(kim, lou);
    const here = await h.signIn(kim);
    const kTab = await h.connect({ cookie: here.cookie });
    const lTab = await h.connect(lou);
    const fresh = `kim-new-${Date.now()}@example.test`;

    await assert.rejects(changeEmail(h.db, kim.id, { email: fresh, currentPassword: "not my password" }), isCode("wrong_password"));
    await assert.rejects(changeEmail(h.db, kim.id, { email: lou.email.toUpperCase(), currentPassword: kim.password }), isCode("email_taken"));
    for (const bad of [
      { email: "not an email", currentPassword: kim.password },
      { email: `${"x".repeat(250)}@e.io`, currentPassword: kim.password },
      { email: fresh, currentPassword: "" },
      { email: fresh },
      { email: fresh, currentPassword: kim.password, userId: lou.id },
    ]) {
      await assert.rejects(changeEmail(h.db, kim.id, bad), ZodError, JSON.stringify(bad));
    }
    assert.equal((await h.db.user.findUniqueOrThrow({ where: { id: kim.id } })).email, kim.email);
    assert.equal((await h.db.user.findUniqueOrThrow({ where: { id: lou.id } })).email, lou.email);

    const told = waitFor(lTab, "contacts:changed");
    assert.equal(await changeEmail(h.db, kim.id, { email: `  ${fresh.toUpperCase()} `, currentPassword: kim.password }), fresh);
    await told;
    assert.equal((await h.db.user.findUniqueOrThrow({ where: { id: kim.id } })).email, fresh);
    assert.equal(await checkCredentials(h.db, kim.email, kim.password), null, "the old email no longer signs in");
    assert.equal((await checkCredentials(h.db, fresh, kim.password))?.id, kim.id);
    assert.equal((await checkCredentials(h.db, fresh.toUpperCase(), kim.password))?.id, kim.id);
    assert.deepEqual((await listContacts(h.db, lou.id)).contacts.map((c) => c.email), [fresh]);
    // This browser stays signed in; the same email again is no change.
    await flush(kTab);
    assert.equal(kTab.connected, true);
    assert.equal(await changeEmail(h.db, kim.id, { email: fresh, currentPassword: kim.password }), fresh);
    // The old email is free: somebody else may sign up with it.
    assert.notEqual((await signUp(h.db, { name: "Kim two", email: kim.email, password: "another password" })).id, kim.id);
  });

  test("a new password: a wrong current one changes nothing; the right one signs out every other session (this one stays), and only the new password signs in", async () => {
    const cal = await h.createUser("Cal");
    const here = await h.signIn(cal);
    const elsewhere = await h.signIn(cal);
    const hereTab = await h.connect({ cookie: here.cookie });
    const elsewhereTab = await h.connect({ cookie: elsewhere.cookie });

    await assert.rejects(changePassword(h.db, cal.id, here.sid, { currentPassword: "not my password", newPassword: "a brand new one" }), isCode("wrong_password"));
    await assert.rejects(changePassword(h.db, cal.id, here.sid, { currentPassword: cal.password, newPassword: "short" }), ZodError);
    await assert.rejects(changePassword(h.db, cal.id, here.sid, { currentPassword: cal.password, newPassword: "x".repeat(201) }), ZodError);
    await assert.rejects(changePassword(h.db, cal.id, here.sid, { currentPassword: cal.password, newPassword: "long enough", admin: true }), ZodError);
    await flush(elsewhereTab);
    assert.equal(elsewhereTab.connected, true, "nothing changed yet");

    const gone = disconnected(elsewhereTab, () => 0);
    assert.deepEqual(await changePassword(h.db, cal.id, here.sid, { currentPassword: cal.password, newPassword: "a brand new one" }), [elsewhere.sid]);
    await gone;
    assert.equal(await h.connectError(elsewhere.cookie), "unauthorized");
    await flush(hereTab);
    assert.equal(hereTab.connected, true);
    assert.equal((await h.connect({ cookie: here.cookie })).connected, true, "this session still connects");
    assert.equal(await checkCredentials(h.db, cal.email, cal.password), null);
    assert.equal((await checkCredentials(h.db, cal.email, "a brand new one"))?.id, cal.id);
  });

  test("deleting the account: a wrong password changes nothing; then its live call ends for the other side, its sessions and sockets end, its contacts, requests and blocks go, and the other side's history keeps the calls with no name", async () => {
    const dee = await h.createUser("Dee");
    const eve = await h.createUser("Eve");
    const fay = await h.createUser("Fay");
    const gus = await h.createUser("Gus");
    await h.makeContacts(dee, eve);
    await h.requestContact(fay, dee); // a request Dee never answered
    await h.block(gus, dee);
    const deeSession = await h.signIn(dee);
    const dTab = await h.connect({ cookie: deeSession.cookie });
    const eTab = await h.connect(eve);

    // One finished call, and one still going when Dee deletes the account.
    const first = await establish(dTab, eTab, eve.id);
    await hangup(dTab, first.id);
    const live = await establish(eTab, dTab, dee.id);

    await assert.rejects(deleteAccount(h.db, dee.id, { password: "not the password" }), isCode("wrong_password"));
    await assert.rejects(deleteAccount(h.db, dee.id, {}), ZodError);
    assert.equal((await h.db.user.findUniqueOrThrow({ where: { id: dee.id } })).deletedAt, null);

    const callEnded = waitFor(eTab, "call:ended", (p) => p.call.id === live.id);
    const gone = disconnected(dTab, () => 0);
    const deleted = await deleteAccount(h.db, dee.id, { password: dee.password });
    assert.deepEqual(deleted.sessionIds, [deeSession.sid]);
    assert.deepEqual(deleted.contactIds.sort(), [eve.id, fay.id, gus.id].sort());
    const ended = await callEnded;
    assert.equal(ended.call.status, "ended");
    await gone;
    assert.equal(await h.connectError(deeSession.cookie), "unauthorized");

    // Gone: contacts, requests, blocks, sessions; no name, email or password left.
    assert.equal(await h.db.contact.count({ where: { OR: [{ requesterId: dee.id }, { addresseeId: dee.id }] } }), 0);
    assert.equal(await h.db.block.count({ where: { OR: [{ blockerId: dee.id }, { blockedId: dee.id }] } }), 0);
    assert.equal(await h.db.session.count({ where: { userId: dee.id } }), 0);
    const row = await h.db.user.findUniqueOrThrow({ where: { id: dee.id } });
    assert.ok(row.deletedAt);
    assert.deepEqual([row.name, row.passwordHash, row.email], ["", "", `deleted:${dee.id}`]);
    assert.deepEqual((await listContacts(h.db, eve.id)).contacts, []);
    assert.deepEqual((await listContacts(h.db, fay.id)).outgoing, []);
    assert.deepEqual((await listContacts(h.db, gus.id)).blocked, []);

    // Eve's history still has both calls, with the other side shown as deleted.
    const history = await until(async () => (await listHistory(h.db, eve.id)).entries.length === 2, "both calls in Eve's history").then(() => listHistory(h.db, eve.id));
    assert.deepEqual(
      history.entries.map((e) => [e.id, e.other]),
      [
        [live.id, { id: dee.id, name: "", deleted: true }],
        [first.id, { id: dee.id, name: "", deleted: true }],
      ],
    );
    assert.deepEqual(
      history.entries.map((e) => [e.direction, e.label]),
      [
        ["Outgoing", "Completed"],
        ["Incoming", "Completed"],
      ],
    );
    // Other people's names are still there.
    await h.makeContacts(eve, fay);
    const eTab2 = await h.connect(eve);
    const fTab = await h.connect(fay);
    const third = await establish(eTab2, fTab, fay.id);
    await hangup(eTab2, third.id);
    assert.deepEqual((await listHistory(h.db, eve.id)).entries[0]?.other, { id: fay.id, name: "Fay", deleted: false });

    // Nobody can sign in as it, request it or ring it; its email is free again.
    assert.equal(await checkCredentials(h.db, dee.email, dee.password), null);
    await assert.rejects(requestContact(h.db, eve.id, { email: dee.email }), isCode("contact_invalid"));
    await assert.rejects(actOnContact(h.db, eve.id, dee.id, { action: "block" }), isCode("contact_invalid"));
    expectError(await emitAck(eTab2, "call:invite", { calleeId: dee.id, kind: "audio" }), "not_contact");
    const again = await signUp(h.db, { name: "Dee again", email: dee.email, password: "another password" });
    assert.notEqual(again.id, dee.id);
  });

  test("a session another node revoked (its row not yet deleted here) is refused at once, and not cached back", async () => {
    const hal = await h.createUser("Hal");
    const s = await h.signIn(hal);
    const checker = getSessionChecker();
    checker.revoke([s.sid]);
    assert.equal(await h.connectError(s.cookie), "unauthorized");
    assert.equal(await checker.check(h.db, hal.id, s.sid), null);
    // The row is still there (revoked on another node, say, the delete not seen yet): still refused.
    assert.equal(await h.db.session.count({ where: { id: s.sid } }), 1);
  });

  test("the account overview lists only this user's sessions, this browser's first", async () => {
    const ivy = await h.createUser("Ivy");
    const a = await h.signIn(ivy, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0");
    const b = await h.signIn(ivy, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0");
    await h.signIn(await h.createUser("Jon"));
    const seen = await accountOverview(h.db, ivy.id, b.sid);
    assert.deepEqual(
      seen.sessions.map((s) => [s.id, s.current, s.browser, s.system]),
      [
        [b.sid, true, "Firefox", "macOS"],
        [a.sid, false, "Edge", "Windows"],
      ],
    );
  });

  test("fuzzed bodies and session ids from a signed-in attacker: only validation errors or refusals, and nothing of the victim's changes", async () => {
    const victim = await h.createUser("Victim");
    const attacker = await h.createUser("Attacker");
    const vic = await h.signIn(victim);
    const att = await h.signIn(attacker);
    const vicTab = await h.connect({ cookie: vic.cookie });
    // Test users share one password: the attacker gets one of their own (the victim's is what the fuzz tries).
    await changePassword(h.db, attacker.id, att.sid, { currentPassword: attacker.password, newPassword: "the attacker's own password" });
    const snapshot = async () => ({
      user: await h.db.user.findUniqueOrThrow({ where: { id: victim.id } }),
      sessions: (await h.db.session.findMany({ where: { userId: victim.id }, select: { id: true } })).map((r) => r.id),
    });
    const before = await snapshot();
    const hostile = fc.oneof(
      fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }),
      fc.record({ password: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(victim.password), fc.anything()) }, { requiredKeys: [] }),
      fc.record(
        { currentPassword: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(victim.password)), newPassword: fc.string({ maxLength: 300 }), userId: fc.constant(victim.id) },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          email: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(victim.email), fc.constant(` ${victim.email.toUpperCase()}`)),
          currentPassword: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(victim.password)),
          name: fc.oneof(fc.string({ maxLength: 100 }), fc.anything()),
          userId: fc.constant(victim.id),
        },
        { requiredKeys: [] },
      ),
      fc.constantFrom({ ["__proto__"]: { password: victim.password } }, JSON.parse(`{"__proto__":{"admin":true},"password":"x"}`) as unknown),
    );
    const ids = fc.oneof(fc.string({ maxLength: 80 }), fc.constant(vic.sid), fc.constant(` ${vic.sid}`), fc.constant(`${vic.sid.slice(0, -1)}%`), fc.anything());
    const allowed = (err: unknown) => err instanceof ZodError || (err instanceof DialtoneError && ["wrong_password", "not_found", "email_taken"].includes(err.code));
    await fc.assert(
      fc.asyncProperty(hostile, ids, async (body, id) => {
        for (const run of [
          () => changePassword(h.db, attacker.id, att.sid, body),
          () => changeName(h.db, attacker.id, body),
          () => changeEmail(h.db, attacker.id, body),
          () => deleteAccount(h.db, attacker.id, body),
          () => endSession(h.db, attacker.id, id),
        ]) {
          try {
            await run();
          } catch (err) {
            assert.ok(allowed(err), `unexpected ${String(err)}`);
          }
        }
      }),
      { numRuns: 150, seed: 20_261_207 },
    );
    assert.deepEqual(await snapshot(), before);
    await flush(vicTab);
    assert.equal(vicTab.connected, true);
  });
});
