// The contacts page's own interactions: Remove behind the actions menu and a
// confirmation, the language switch (remembered across reloads), and the
// missed-call badge clearing as soon as History is shown; menus pressed before
// their code has loaded (it is fetched when the browser is idle after load).
import { contactItem, expect, makeContacts, openContactsAndSeeOnline, test } from "./fixtures";

test("remove a contact through More actions and a confirmation", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await alice.page.goto("/");
  await contactItem(alice.page, "Bob").getByRole("button", { name: "More actions for Bob", exact: true }).click();
  await alice.page.getByRole("menuitem", { name: "Remove Bob", exact: true }).click();
  const confirm = alice.page.getByRole("alertdialog", { name: "Remove Bob?" });
  await expect(confirm).toBeVisible();
  // Cancel first: nothing happens.
  await confirm.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(contactItem(alice.page, "Bob")).toBeVisible();

  await contactItem(alice.page, "Bob").getByRole("button", { name: "More actions for Bob", exact: true }).click();
  await alice.page.getByRole("menuitem", { name: "Remove Bob", exact: true }).click();
  await alice.page.getByRole("alertdialog", { name: "Remove Bob?" }).getByRole("button", { name: "Remove", exact: true }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Bob removed." })).toBeVisible();
  await expect(contactItem(alice.page, "Bob")).toHaveCount(0);
  await expect(alice.page.getByText("No contacts yet")).toBeVisible();
});

test("the language switch changes the page and is remembered", async ({ users }) => {
  const alice = await users.create("Alice");
  await alice.page.goto("/");
  await alice.page.getByRole("button", { name: "Language: English", exact: true }).click();
  await alice.page.getByRole("menuitemcheckbox", { name: "简体中文" }).click();
  await expect(alice.page.getByRole("heading", { name: "联系人", exact: true })).toBeVisible();
  await expect(alice.page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await alice.page.reload();
  await expect(alice.page.getByRole("heading", { name: "联系人", exact: true })).toBeVisible();
  // Back to English from the sign-in page's select, signed out.
  await alice.page.goto("/signin");
  await alice.page.getByLabel("语言").selectOption("en");
  await expect(alice.page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
});

test("the missed-call badge clears as soon as History is shown", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(bob.page, "Alice").getByRole("button", { name: "Video call Alice", exact: true }).click();
  await expect(alice.page.getByRole("alertdialog")).toBeVisible();
  await bob.page.getByRole("button", { name: "Cancel call", exact: true }).click();
  await expect(alice.page.getByRole("alertdialog")).toHaveCount(0);

  await alice.page.reload();
  const badge = alice.page.getByLabel("Unseen missed calls", { exact: true });
  await expect(badge).toHaveText("1");
  await alice.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History", exact: true }).click();
  await expect(badge).toHaveCount(0, { timeout: 1_000 });
  await alice.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts", exact: true }).click();
  await expect(contactItem(alice.page, "Bob")).toBeVisible();
  await alice.page.waitForTimeout(500);
  await expect(badge).toHaveCount(0);
});

// The menus' Radix code is fetched when the browser is idle after load; a
// press that comes before it must still open the menu, as Radix would have.
test("a menu pressed before its code has loaded opens once it arrives (keyboard)", async ({ users }) => {
  const alice = await users.create("Alice");
  const page = alice.page;
  // The browser never gets idle: nothing is preloaded, the press must fetch it.
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  await page.goto("/");
  const trigger = page.getByRole("button", { name: "Language: English", exact: true });
  await expect(trigger).toHaveAttribute("aria-haspopup", "menu");
  await expect(trigger).toHaveAttribute("aria-expanded", "false");
  await expect(trigger).not.toHaveAttribute("data-state", /./); // not Radix's trigger yet
  await trigger.focus();
  await page.keyboard.press("Enter");
  // Opened from a key: focus on the first item; Escape closes and returns focus.
  await expect(page.getByRole("menuitemcheckbox", { name: "English" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Language: English", exact: true })).toBeFocused();
});

test("a menu clicked before its code has loaded opens, and its confirmation too", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const page = alice.page;
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  await page.goto("/");
  const more = contactItem(page, "Bob").getByRole("button", { name: "More actions for Bob", exact: true });
  await expect(more).toHaveAttribute("aria-haspopup", "menu");
  await expect(more).not.toHaveAttribute("data-state", /./);
  await more.click();
  await page.getByRole("menuitem", { name: "Remove Bob", exact: true }).click();
  // The alert dialog's code is fetched when it is first opened.
  const confirm = page.getByRole("alertdialog", { name: "Remove Bob?" });
  await expect(confirm.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(confirm).toHaveCount(0);
  await expect(contactItem(page, "Bob")).toBeVisible();
});
