// Offline honesty: when the caller's connection drops, the page says so, call
// buttons are disabled with the reason, presence is "Unknown", and a press on
// "Video call" while offline does not ring the other side later.
import { contactItem, expect, makeContacts, openContactsAndSeeOnline, test } from "./fixtures";

test("offline: banner, disabled call buttons, unknown presence; nothing rings after coming back", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  await alice.context.setOffline(true);
  // A real network loss also fires the window's `offline` event, on which
  // socket.io's engine closes the socket at once. Inside the test's
  // loopback-only network namespace Chromium believes it is offline from the
  // start, so that event never comes by itself: fire it as the browser would.
  await alice.page.evaluate(() => window.dispatchEvent(new Event("offline")));
  const banner = alice.page.getByRole("status").filter({ hasText: "You're offline" });
  await expect(banner).toBeVisible();
  const video = contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true });
  const audio = contactItem(alice.page, "Bob").getByRole("button", { name: "Audio call Bob", exact: true });
  await expect(video).toBeDisabled();
  await expect(audio).toBeDisabled();
  await expect(contactItem(alice.page, "Bob")).toContainText("Unknown");

  // The reason is shown on hover.
  await video.hover();
  await expect(alice.page.getByRole("tooltip")).toContainText("paused while you're offline");

  // A press anyway (forced past Playwright's enabled check, as an impatient user would tap).
  await video.click({ force: true });
  await audio.click({ force: true });
  await expect(alice.page.getByRole("dialog", { name: "Outgoing call" })).toHaveCount(0);

  await alice.context.setOffline(false);
  await expect(banner).toBeHidden({ timeout: 20_000 });
  await expect(contactItem(alice.page, "Bob")).toContainText("Online", { timeout: 20_000 });
  await expect(video).toBeEnabled();

  // Give a queued invite every chance to arrive: none may.
  await bob.page.waitForTimeout(2_000);
  await expect(bob.page.getByRole("alertdialog")).toHaveCount(0);
  await expect(alice.page.getByRole("dialog", { name: "Outgoing call" })).toHaveCount(0);
});
