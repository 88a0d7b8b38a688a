// The account page through the real server: signing out a session from it
// signs that browser out and closes its signaling socket within 5 s; a new
// display name shows in the header at once and in a contact's open list
// without a reload; a new email is the one that signs in; a new
// password does the same to every other browser; deleting the account leaves
// the other side's history readable, the name shown as "Deleted user" (in
// their language). Plus the account routes' own guards over HTTP.
import type { BrowserContext, Page, WebSocket } from "@playwright/test";
import { contactItem, expect, makeContacts, newContext, openContactsAndSeeOnline, PASSWORD, signInViaApi, test, type User } from "./fixtures";

/** Socket.IO's CONNECT answer for /signaling: the handshake passed. */
const CONNECTED = /^40\/signaling,/;

/**
 * The page's signaling websocket, watched from before it opens: `connected`
 * resolves when the handshake passed, `closedAt` when the connection closed
 * (performance.now() in the test process).
 */
function watchSignaling(page: Page): { connected: Promise<void>; closedAt: Promise<number>; socket: () => WebSocket | undefined } {
  let socket: WebSocket | undefined;
  let onConnected!: () => void;
  let onClosed!: (t: number) => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const closedAt = new Promise<number>((r) => (onClosed = r));
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/socket.io/") || socket) return;
    socket = ws;
    ws.on("framereceived", (f) => {
      if (typeof f.payload === "string" && CONNECTED.test(f.payload)) onConnected();
    });
    ws.on("close", () => onClosed(performance.now()));
  });
  return { connected, closedAt, socket: () => socket };
}

/** A second browser (its own context and session) signed in as `user`, on `/` with its socket up. */
async function secondBrowser(browser: import("@playwright/test").Browser, baseURL: string | undefined, user: User) {
  const { context, page } = await newContext(browser, baseURL);
  await signInViaApi(context, user.email, user.password);
  const signaling = watchSignaling(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();
  await signaling.connected;
  return { context, page, signaling };
}

async function openAccount(page: Page) {
  await page.getByRole("button", { name: /^Account menu for / }).click();
  await page.getByRole("menuitem", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
}

const sessionList = (page: Page) => page.getByRole("list", { name: "Signed-in browsers", exact: true });

test("signing out a session from the account page signs that browser out and closes its socket within 5 s", async ({ users, browser, baseURL }) => {
  const alice = await users.create("Alice");
  const other = await secondBrowser(browser, baseURL, alice);
  users.track(other.context);
  const mine = watchSignaling(alice.page);
  await alice.page.goto("/");
  await mine.connected;
  await openAccount(alice.page);

  const items = sessionList(alice.page).getByRole("listitem");
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText("This device");
  await expect(items.first()).toContainText("Chrome on Linux");
  const theOther = items.filter({ hasNotText: "This device" });
  await expect(theOther).toContainText("IP address 127.0.0.1");

  const t0 = performance.now();
  await theOther.getByRole("button", { name: /^Sign out Chrome on Linux/ }).click();
  const closedAt = await other.signaling.closedAt;
  console.log(`[metric] Sign out pressed → the other browser's socket closed: ${(closedAt - t0).toFixed(0)} ms`);
  expect(closedAt - t0).toBeLessThan(5_000);
  await other.page.waitForURL((url) => url.pathname === "/signin", { timeout: 5_000 });
  await expect(other.page.getByRole("status").filter({ hasText: "You were signed out on this browser" })).toBeVisible();
  await expect(alice.page.getByRole("status").filter({ hasText: "was signed out" })).toBeVisible();
  await expect(items).toHaveCount(1);

  // That browser stays signed out; this one is untouched.
  expect((await other.context.request.get("/api/contacts")).status()).toBe(401);
  await other.page.goto("/history");
  await other.page.waitForURL((url) => url.pathname === "/signin");
  expect(mine.socket()?.isClosed()).toBe(false);
  expect((await alice.context.request.get("/api/contacts")).status()).toBe(200);
});

test("a new password signs out every other browser (socket closed within 5 s); this one stays and the new password signs in", async ({ users, browser, baseURL }) => {
  const bea = await users.create("Bea");
  const other = await secondBrowser(browser, baseURL, bea);
  users.track(other.context);
  const mine = watchSignaling(bea.page);
  await bea.page.goto("/");
  await mine.connected;
  await openAccount(bea.page);

  const form = bea.page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password", { exact: true }).fill("not my password");
  await form.getByLabel("New password", { exact: true }).fill("a-new-password-42");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "That password is not correct." })).toBeVisible();
  await expect(form.getByLabel("Current password", { exact: true })).toBeFocused();
  expect(other.signaling.socket()?.isClosed()).toBe(false);

  await form.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  const t0 = performance.now();
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(bea.page.getByRole("status").filter({ hasText: "Password changed. Your other browsers were signed out." })).toBeVisible();
  const closedAt = await other.signaling.closedAt;
  console.log(`[metric] new password → the other browser's socket closed: ${(closedAt - t0).toFixed(0)} ms`);
  expect(closedAt - t0).toBeLessThan(5_000);
  await other.page.waitForURL((url) => url.pathname === "/signin", { timeout: 5_000 });
  expect((await other.context.request.get("/api/contacts")).status()).toBe(401);
  await expect(sessionList(bea.page).getByRole("listitem")).toHaveCount(1);
  expect(mine.socket()?.isClosed()).toBe(false);
  expect((await bea.context.request.get("/api/contacts")).status()).toBe(200);

  // The old password no longer signs in; the new one does.
  const fresh = await newContext(browser, baseURL);
  users.track(fresh.context);
  await fresh.page.goto("/signin");
  await fresh.page.getByLabel("Email").fill(bea.email);
  await fresh.page.getByLabel("Password").fill(PASSWORD);
  await fresh.page.getByRole("button", { name: "Sign in" }).click();
  await expect(fresh.page.getByText("Wrong email or password.")).toBeVisible();
  await signInViaApi(fresh.context, bea.email, "a-new-password-42");
});

test("a new name shows in the header, in the user's other tab and in a contact's open list at once; a new email signs in, the old one no longer does", async ({ users }) => {
  const fay = await users.create("Fay");
  const gus = await users.create("Gus");
  await makeContacts(fay, gus);
  await gus.page.goto("/");
  await expect(contactItem(gus.page, "Fay")).toBeVisible();
  await fay.page.goto("/");
  // Fay's second tab, open on her contacts.
  const fayTab2 = await fay.context.newPage();
  await fayTab2.goto("/");
  await expect(fayTab2.getByRole("button", { name: "Account menu for Fay", exact: true })).toBeVisible();
  await openAccount(fay.page);

  const nameForm = fay.page.getByRole("form", { name: "Your name" });
  const name = nameForm.getByLabel("Display name", { exact: true });
  await expect(name).toHaveValue("Fay");
  await name.fill("   ");
  await nameForm.getByRole("button", { name: "Save name" }).click();
  await expect(nameForm.getByRole("alert")).toHaveText("Enter your name.");
  await expect(name).toBeFocused();
  await name.fill("Fay Lin");
  await nameForm.getByRole("button", { name: "Save name" }).click();
  await expect(fay.page.getByRole("status").filter({ hasText: "Name saved. Your contacts now see “Fay Lin”." })).toBeVisible();
  await expect(fay.page.getByRole("button", { name: "Account menu for Fay Lin", exact: true })).toBeVisible();
  // Gus's list refetches on contacts:changed: no reload.
  await expect(contactItem(gus.page, "Fay Lin")).toBeVisible();
  // Her other tab follows (account:renamed): no reload either.
  await expect(fayTab2.getByRole("button", { name: "Account menu for Fay Lin", exact: true })).toBeVisible();
  await fayTab2.close();
  // A reload reads it from the server too.
  await fay.page.reload();
  await expect(fay.page.getByRole("button", { name: "Account menu for Fay Lin", exact: true })).toBeVisible();

  const emailForm = fay.page.getByRole("form", { name: "Change email" });
  const email = emailForm.getByLabel("New email", { exact: true });
  const password = emailForm.getByLabel("Current password", { exact: true });
  await email.fill(gus.email);
  await password.fill(PASSWORD);
  await emailForm.getByRole("button", { name: "Change email" }).click();
  await expect(emailForm.getByRole("alert")).toHaveText("An account with that email already exists.");
  await expect(email).toBeFocused();
  const fresh = `Fay.Lin-${Date.now()}@E2E.test`;
  await email.fill(fresh);
  await password.fill("not my password");
  await emailForm.getByRole("button", { name: "Change email" }).click();
  await expect(emailForm.getByRole("alert")).toHaveText("That password is not correct.");
  await expect(password).toBeFocused();
  await password.fill(PASSWORD);
  await emailForm.getByRole("button", { name: "Change email" }).click();
  await expect(fay.page.getByRole("status").filter({ hasText: `Email changed. Sign in with ${fresh.toLowerCase()} from now on.` })).toBeVisible();
  await expect(emailForm).toContainText(`You sign in with ${fresh.toLowerCase()}.`);

  // Sign out, then: the old email is refused, the new one (as typed) signs in.
  await fay.page.getByRole("button", { name: "Account menu for Fay Lin", exact: true }).click();
  await fay.page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await fay.page.waitForURL((url) => url.pathname === "/signin");
  await fay.page.getByLabel("Email").fill(fay.email);
  await fay.page.getByLabel("Password").fill(PASSWORD);
  await fay.page.getByRole("button", { name: "Sign in" }).click();
  await expect(fay.page.getByText("Wrong email or password.")).toBeVisible();
  await fay.page.getByLabel("Email").fill(fresh);
  await fay.page.getByLabel("Password").fill(PASSWORD);
  await fay.page.getByRole("button", { name: "Sign in" }).click();
  await expect(fay.page.getByRole("button", { name: "Account menu for Fay Lin", exact: true })).toBeVisible();
});

test("deleting the account: confirmed with the password; the other side's history stays readable with “Deleted user”, in their language", async ({ users, browser, baseURL }) => {
  const dee = await users.create("Dee");
  const eve = await users.create("Eve");
  await makeContacts(dee, eve);
  // A call Eve declines: a row in both histories.
  await openContactsAndSeeOnline([dee.page, "Eve"], [eve.page, "Dee"]);
  await contactItem(dee.page, "Eve").getByRole("button", { name: "Audio call Eve", exact: true }).click();
  await eve.page.getByRole("alertdialog").getByRole("button", { name: "Decline", exact: true }).click();
  await expect
    .poll(async () => ((await (await eve.context.request.get("/api/history")).json()) as { entries: unknown[] }).entries.length, { timeout: 15_000 })
    .toBe(1);
  // Dee closes the outcome ("Declined") rather than wait for it to close itself (6 s): it covers the page.
  const outcome = dee.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  await expect(outcome).toContainText("Declined");
  await outcome.getByRole("button", { name: "Close", exact: true }).click();
  await expect(outcome).toBeHidden();

  await openAccount(dee.page);
  await dee.page.getByRole("button", { name: "Delete account…", exact: true }).click();
  const dialog = dee.page.getByRole("alertdialog", { name: "Delete your account?" });
  await expect(dialog).toBeVisible();
  const password = dialog.getByLabel("Current password", { exact: true });
  await expect(password).toBeFocused();
  await password.fill("not the password");
  await dialog.getByRole("button", { name: "Delete account", exact: true }).click();
  await expect(dialog.getByRole("alert")).toHaveText("That password is not correct.");
  await expect(dialog).toBeVisible();
  await password.fill(PASSWORD);
  await dialog.getByRole("button", { name: "Delete account", exact: true }).click();
  await dee.page.waitForURL((url) => url.pathname === "/signin");
  await expect(dee.page.getByRole("status").filter({ hasText: "Your account was deleted." })).toBeVisible();
  expect((await dee.context.request.get("/api/contacts")).status()).toBe(401);

  // Eve: Dee is gone from her contacts, and her history still has the call, as "Deleted user", with nothing to call back.
  await eve.page.goto("/");
  await expect(eve.page.getByText("No contacts yet", { exact: false })).toBeVisible();
  await eve.page.goto("/history");
  const row = eve.page.getByRole("table").getByRole("row").filter({ hasText: "Deleted user" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Declined");
  await expect(row.getByRole("button")).toHaveCount(0);
  await expect(eve.page.getByRole("table")).not.toContainText("Dee");

  // The same page in Chinese.
  const zh = await browser.newContext({ baseURL, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN" }, storageState: await eve.context.storageState() });
  users.track(zh);
  const zhPage = await zh.newPage();
  await zhPage.goto("/history");
  await expect(zhPage.getByRole("table").getByRole("row").filter({ hasText: "已注销用户" })).toHaveCount(1);

  // The email can sign up again, as somebody new.
  const again = await zh.request.post("/api/signup", { data: { name: "Dee again", email: dee.email, password: PASSWORD } });
  expect(again.status()).toBe(201);
});

test("account routes over HTTP: only your own sessions, validated bodies, password checks rate limited", async ({ users, browser, baseURL }) => {
  const ann = await users.create("Ann");
  const mallory = await users.create("Mallory");
  const sessionsOf = async (context: BrowserContext) =>
    ((await (await context.request.get("/api/account")).json()) as { sessions: { id: string; current: boolean }[] }).sessions;
  const [annSession] = await sessionsOf(ann.context);
  expect(annSession?.current).toBe(true);

  // Another user's session: 404, and it still works.
  const stolen = await mallory.context.request.delete(`/api/account/sessions/${annSession!.id}`);
  expect([stolen.status(), ((await stolen.json()) as { code: string }).code]).toEqual([404, "not_found"]);
  expect((await ann.context.request.get("/api/contacts")).status()).toBe(200);
  expect((await mallory.context.request.delete("/api/account/sessions/not*a*session")).status()).toBe(400);

  // Bodies: strict schemas, 8 KB.
  const bad = await ann.context.request.post("/api/account/password", { data: { currentPassword: PASSWORD, newPassword: "short" } });
  expect([bad.status(), ((await bad.json()) as { code: string }).code]).toEqual([400, "invalid_payload"]);
  expect((await ann.context.request.post("/api/account/password", { data: { currentPassword: PASSWORD, newPassword: "long enough", extra: 1 } })).status()).toBe(400);
  expect((await ann.context.request.delete("/api/account", { data: { password: "x".repeat(9_000) } })).status()).toBe(400);

  // Wrong current passwords: 403 wrong_password, then 429 after ten checks in 15 minutes, even with the right one.
  for (let i = 0; i < 10; i++) {
    const res = await ann.context.request.delete("/api/account", { data: { password: `guess-${i}` } });
    expect(res.status(), `guess ${i + 1}`).toBe(403);
  }
  const limited = await ann.context.request.delete("/api/account", { data: { password: PASSWORD } });
  expect([limited.status(), ((await limited.json()) as { code: string }).code]).toEqual([429, "rate_limited"]);
  expect((await ann.context.request.get("/api/contacts")).status()).toBe(200);

  // A second browser of Ann's; "sign out everywhere else" from the first ends it.
  const second = await newContext(browser, baseURL);
  users.track(second.context);
  await signInViaApi(second.context, ann.email, PASSWORD);
  expect(await sessionsOf(ann.context)).toHaveLength(2);
  const others = await ann.context.request.delete("/api/account/sessions");
  expect(await others.json()).toEqual({ ok: true, ended: 1 });
  expect((await second.context.request.get("/api/account")).status()).toBe(401);
  expect((await sessionsOf(ann.context)).map((s) => s.id)).toEqual([annSession!.id]);

  // Signing out through next-auth deletes the session row too: a copy of the cookie stops working.
  const copy = await browser.newContext({ baseURL, storageState: await ann.context.storageState() });
  users.track(copy);
  const csrf = (await (await ann.context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await ann.context.request.post("/api/auth/signout", { form: { csrfToken: csrf.csrfToken, json: "true" } });
  expect((await copy.request.get("/api/contacts")).status()).toBe(401);
});
