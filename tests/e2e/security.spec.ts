// User-controlled text is never HTML, and the pages carry the security headers.
import { expect, test } from "./fixtures";

test("a display name full of markup renders as text everywhere, and no script runs", async ({ users, baseURL }) => {
  const evil = `<img src=x onerror="window.__xss=1">`;
  const attacker = await users.create(evil);
  const victim = await users.create("Vera");
  let dialogs = 0;
  victim.page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  const res = await attacker.context.request.post(`${baseURL}/api/contacts`, { data: { email: victim.email } });
  expect(res.status()).toBe(201);
  await victim.page.goto("/");
  const accept = victim.page.getByRole("button", { name: `Accept request from ${evil}`, exact: true });
  await expect(accept).toBeVisible();
  await expect(victim.page.getByText(evil, { exact: true }).first()).toBeVisible();
  await accept.click();
  await expect(victim.page.getByRole("list", { name: "Your contacts" })).toContainText(evil);
  expect(await victim.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(await victim.page.locator("img[src=x]").count()).toBe(0);
  expect(dialogs).toBe(0);
});

test("pages are served with a CSP that allows only the app's own origin, websocket and media", async ({ request, baseURL }) => {
  const res = await request.get(`${baseURL}/signin`);
  const csp = res.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("connect-src 'self' ws: wss:");
  expect(csp).not.toContain("unsafe-eval");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
});
