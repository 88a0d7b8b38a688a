// A call ringing in a hidden tab: the title flashes and a system notification
// (shown by the service worker, public/sw.js) carries Accept and Decline.
// The worker's notificationclick path is driven as the browser would drive it:
// a NotificationEvent for the real notification, dispatched in the worker.
import type { Page, Worker } from "@playwright/test";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, test, type User } from "./fixtures";

type Shown = { title: string; body: string; actions: string[] };

/** The page pretends to be in a background tab (headless pages are always "visible"). */
async function hide(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
}

async function shown(page: Page): Promise<Shown[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration("/");
    const list = (await reg?.getNotifications()) ?? [];
    return list.map((n) => ({ title: n.title, body: n.body, actions: (n as Notification & { actions: { action: string }[] }).actions.map((a) => a.action) }));
  });
}

async function worker(user: User): Promise<Worker> {
  const existing = user.context.serviceWorkers()[0];
  return existing ?? user.context.waitForEvent("serviceworker");
}

/** What the browser does when the person presses one of the notification's buttons. */
async function pressNotificationAction(sw: Worker, action: "accept" | "decline"): Promise<void> {
  await sw.evaluate(async (action) => {
    // The worker's own types (lib "webworker") are not in this project's tsconfig.
    type Init = { notification: Notification; action: string };
    const scope = self as unknown as EventTarget & { registration: ServiceWorkerRegistration; NotificationEvent: new (type: string, init: Init) => Event };
    const [notification] = await scope.registration.getNotifications();
    if (!notification) throw new Error("no notification to press");
    scope.dispatchEvent(new scope.NotificationEvent("notificationclick", { notification, action }));
  }, action);
}

async function setUp(users: { create: (name: string) => Promise<User> }) {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await bob.context.grantPermissions(["camera", "microphone", "notifications"]);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  return { alice, bob };
}

test("a hidden tab's ring: flashing title, a notification with Accept and Decline; Decline declines, Accept answers", async ({ users }) => {
  const { alice, bob } = await setUp(users);
  const sw = await worker(bob);
  await hide(bob.page);

  // --- Decline from the notification ---------------------------------------------------------
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await expect.poll(() => shown(bob.page)).toEqual([{ title: "Alice", body: "Incoming video call", actions: ["accept", "decline"] }]);
  await expect.poll(() => bob.page.title(), { message: "the title flashes" }).toBe("📞 Alice is calling");
  await pressNotificationAction(sw, "decline");
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  await expect(outgoing.getByRole("status")).toHaveText("Declined");
  await expect(bob.page.getByRole("alertdialog")).toHaveCount(0);
  await expect.poll(() => shown(bob.page)).toEqual([]);
  await expect.poll(() => bob.page.title()).not.toContain("📞");
  await outgoing.getByRole("button", { name: "Close", exact: true }).click();

  // --- Accept from the notification ----------------------------------------------------------
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await expect.poll(() => shown(bob.page)).toHaveLength(1);
  await pressNotificationAction(sw, "accept");
  await expect(callSection(bob.page, "Alice").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(alice.page, "video", "Alice");
  await expect.poll(() => shown(bob.page)).toEqual([]);
});

test("the notification goes as soon as the call is answered on another tab", async ({ users }) => {
  const { alice, bob } = await setUp(users);
  const background = bob.page;
  await worker(bob);
  const front = await bob.context.newPage();
  await front.goto("/");
  await expect(contactItem(front, "Alice")).toContainText("Online");
  await hide(background);

  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await expect.poll(() => shown(background)).toHaveLength(1);
  await front.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(front, "Alice")).toBeVisible();
  await expect.poll(() => shown(background), { message: "the background tab's notification closes" }).toEqual([]);
});
