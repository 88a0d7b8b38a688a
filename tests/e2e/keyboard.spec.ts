// The whole journey with the keyboard only, as a person who cannot use a
// mouse does it: Tab to move, type, Enter / Space to act. No click anywhere.
import type { Locator, Page } from "@playwright/test";
import { callSection, expect, mediaFlowing, newContext, test, uniqueEmail } from "./fixtures";

/** Presses Tab until `target` has the focus (fails after `max` presses): the way a keyboard user gets there. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

test("sign up, add a contact, ring, answer from the dialog, mute, hang up, open history: keyboard only", async ({ browser, baseURL, users }) => {
  const bob = await users.create("Bob");
  await bob.page.goto("/");

  // --- Alice signs up ------------------------------------------------------------------------
  const { context, page } = await newContext(browser, baseURL);
  users.track(context);
  await page.goto("/signup");
  const email = uniqueEmail("Alice");
  await tabTo(page, page.getByLabel("Name", { exact: true }));
  await page.keyboard.type("Alice");
  await page.keyboard.press("Tab");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type("alice-password-1");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === "/");

  // --- Adds Bob; Bob accepts (his side is not the point) ---------------------------------------
  await tabTo(page, page.getByLabel("Contact email", { exact: true }));
  await page.keyboard.type(bob.email);
  await page.keyboard.press("Enter");
  const acceptRequest = bob.page.getByRole("button", { name: "Accept request from Alice", exact: true });
  await tabTo(bob.page, acceptRequest);
  await bob.page.keyboard.press("Enter");

  // --- Rings Bob; Bob answers from the dialog with the keyboard -----------------------------
  const video = page.getByRole("button", { name: "Video call Bob", exact: true });
  await expect(video).toBeEnabled();
  await tabTo(page, video);
  await page.keyboard.press("Enter");
  const ring = bob.page.getByRole("alertdialog");
  await expect(ring).toBeVisible();
  await tabTo(bob.page, ring.getByRole("button", { name: "Accept", exact: true }), 6);
  // A key within the first second of the ring is taken as typing meant for the page.
  await bob.page.waitForTimeout(1_100);
  await bob.page.keyboard.press("Enter");

  const call = callSection(page, "Bob");
  await expect(call.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(page, "video", "Alice");

  // --- Mute, then hang up ----------------------------------------------------------------------
  await tabTo(page, call.getByRole("button", { name: "Mute microphone", exact: true }));
  await page.keyboard.press("Space");
  await expect(call.getByRole("button", { name: "Unmute microphone", exact: true })).toBeFocused();
  await expect(callSection(bob.page, "Alice").getByRole("img", { name: "Alice is muted", exact: true })).toBeVisible();
  await tabTo(page, call.getByRole("button", { name: "Hang up", exact: true }));
  await page.keyboard.press("Enter");
  await expect(call).toBeHidden();

  // --- History ----------------------------------------------------------------------------------
  await page.keyboard.press("Escape"); // closes the end-of-call sheet
  const history = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History", exact: true });
  await tabTo(page, history);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/history/);
  await expect(page.getByRole("heading", { name: "Call history", exact: true })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Bob");
});
