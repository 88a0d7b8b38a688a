// User-controlled text is never HTML, and the pages carry the security headers.
import { loadOpenApi } from "../support/openapi";
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

test("pages are served with a nonce CSP (no 'unsafe-inline' scripts) that every script of the page carries", async ({ request, baseURL }) => {
  const res = await request.get(`${baseURL}/signin`);
  const csp = res.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(scriptSrc).not.toContain("unsafe-eval");
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain(`connect-src 'self' ws://${new URL(baseURL!).host}`);
  expect(csp).not.toContain("ws: ");
  const html = await res.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  const again = (await request.get(`${baseURL}/signin`)).headers()["content-security-policy"];
  expect(again).not.toBe(csp); // a fresh nonce per request
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the signed-out and signed-in pages load and work with no CSP violation", async ({ users, browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  await page.exposeFunction("__reportViolation", (v: string) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __reportViolation: (v: string) => void }).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto("/signin");
  // The form answers from client code: the page hydrated, its scripts ran.
  await page.getByLabel("Email").fill("nobody@e2e.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  const user = await users.create("Csp");
  await user.page.exposeFunction("__reportViolation", (v: string) => violations.push(v));
  await user.page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __reportViolation: (v: string) => void }).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await user.page.goto("/");
  await expect(user.page.getByText("No contacts yet", { exact: false })).toBeVisible(); // fetched by client code
  await user.page.goto("/history");
  await user.page.waitForLoadState("networkidle");
  expect(violations).toEqual([]);
  await context.close();
});

test("contact requests are rate limited per user (30 an hour), with a clear error", async ({ users, baseURL }) => {
  const spammer = await users.create("Sam");
  for (let i = 0; i < 30; i++) {
    const res = await spammer.context.request.post(`${baseURL}/api/contacts`, { data: { email: `nobody-${i}@e2e.test` } });
    expect(res.status(), `request ${i + 1}`).toBe(400);
  }
  const refused = await spammer.context.request.post(`${baseURL}/api/contacts`, { data: { email: "one-more@e2e.test" } });
  expect(refused.status()).toBe(429);
  expect(((await refused.json()) as { code: string }).code).toBe("rate_limited");
});

test("every API route answers 401 without a session, and pages redirect to sign-in", async ({ playwright, baseURL }) => {
  const anon = await playwright.request.newContext({ baseURL });
  try {
    // Every operation docs/openapi.json says needs a session (so a new route cannot be forgotten), path parameters filled in.
    const spec = loadOpenApi();
    const guarded = Object.entries(spec.paths).flatMap(([p, ops]) =>
      Object.entries(ops as Record<string, { security?: Record<string, unknown>[] }>)
        .filter(([, op]) => op?.security?.some((s) => "session" in s))
        .map(([method, _op]) => [method.toUpperCase(), p.replace(/\{\w+\}/g, "some-id-0000")] as const),
    );
    expect(guarded.length, "operations that need a session").toBeGreaterThanOrEqual(15);
    for (const [method, url] of guarded) {
      const res = await anon.fetch(url, { method, data: method === "GET" ? undefined : {}, maxRedirects: 0 });
      expect(res.status(), `${method} ${url}`).toBe(401);
    }
    for (const path of ["/history", "/account"]) {
      const page = await anon.get(path, { maxRedirects: 0 });
      expect(page.status(), path).toBe(307);
      expect(page.headers()["location"]).toContain("/signin");
    }
  } finally {
    await anon.dispose();
  }
});

test("a session whose account was deleted is refused by the API, and so is a copy of its cookie", async ({ users, browser, baseURL }) => {
  const gone = await users.create("Gone");
  expect((await gone.context.request.get(`${baseURL}/api/contacts`)).status()).toBe(200);
  const copy = await browser.newContext({ baseURL, storageState: await gone.context.storageState() });
  users.track(copy);
  expect((await copy.request.get("/api/contacts")).status()).toBe(200);
  // Deleted through the account route (the server forgets its sessions at once; see account.spec.ts).
  const deleted = await gone.context.request.delete(`${baseURL}/api/account`, { data: { password: gone.password } });
  expect(deleted.status()).toBe(200);
  expect((await gone.context.request.get(`${baseURL}/api/contacts`)).status()).toBe(401);
  expect((await copy.request.get("/api/contacts")).status()).toBe(401);
});
