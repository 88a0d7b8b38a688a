// Glare: two people ring each other at the same moment. The server joins them
// into one call instead of two rings that could never be answered.
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, test } from "./fixtures";

test("both ring each other at once: one call, both in it, media both ways", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  // Both press within the same few milliseconds, before either ring is drawn: once a ring is
  // on screen it covers the page (a modal dialog), and a pointer click would wait for it to
  // go. dispatchEvent sends the click without Playwright's wait for the page to take it.
  await Promise.all([
    contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).dispatchEvent("click"),
    contactItem(bob.page, "Alice").getByRole("button", { name: "Video call Alice", exact: true }).dispatchEvent("click"),
  ]);
  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(alice.page.getByRole("alertdialog")).toHaveCount(0);
  await expect(bob.page.getByRole("alertdialog")).toHaveCount(0);
  await mediaFlowing(alice.page, "video", "Alice");
  await mediaFlowing(bob.page, "video", "Bob");
  await aliceCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(bobCall).toBeHidden();
});
