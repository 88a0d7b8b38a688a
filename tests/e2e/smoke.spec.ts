// The server starts in production mode and serves the sign-in page.
import { expect, test } from "@playwright/test";

test("the sign-in page loads", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
});
