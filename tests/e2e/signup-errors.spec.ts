// Sign-up form errors are announced (role "alert") and keep the visitor on /signup.
import { expect, newUser, test, uniqueEmail } from "./fixtures";

async function fillSignUp(page: import("@playwright/test").Page, email: string, password: string) {
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill("Erin");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
}

test("a short password is refused with an alert", async ({ page }) => {
  await fillSignUp(page, uniqueEmail("Erin"), "short");
  await expect(page.getByRole("alert").filter({ hasText: "at least 8 characters" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/signup");
});

test("an email already in use is refused with an alert", async ({ browser, baseURL, page }) => {
  const existing = await newUser(browser, "Erin", baseURL);
  await existing.context.close();
  await fillSignUp(page, existing.email, "another-password-1");
  await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/signup");
});
