// The app's main screens in a known state, for the accessibility scan
// (a11y.spec.ts) and the screenshots (tests/screens/): users seeded once,
// then any number of browser contexts (width × language) opened as them.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { BASE_URL } from "./constants";
import { contactItem, expect, makeContacts, newUser, openContactsAndSeeOnline, type User } from "./fixtures";

type Saved = Awaited<ReturnType<BrowserContext["storageState"]>>;

export type Seeded = {
  /** Signed in, no contacts and no requests. */
  newcomer: Saved;
  /** Has one incoming request (from Rita) and one sent (to Sam). */
  requested: Saved;
  /** Alice: two contacts (Bob online, Chen Wei offline) and a call history (declined, missed, completed). */
  alice: Saved;
  /** Bob's live page stays open, so Alice sees him Online. */
  keepOpen: BrowserContext[];
};

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export const LANGUAGES = { en: "en-US", "zh-CN": "zh-CN" } as const;
export type Viewport = keyof typeof VIEWPORTS;
export type Language = keyof typeof LANGUAGES;

async function call(from: User, to: User, kind: "Video" | "Audio", end: (from: User, to: User) => Promise<void>) {
  await openContactsAndSeeOnline([from.page, to.name], [to.page, from.name]);
  await contactItem(from.page, to.name).getByRole("button", { name: `${kind} call ${to.name}`, exact: true }).click();
  await expect(to.page.getByRole("alertdialog")).toBeVisible();
  await end(from, to);
}

/** Waits until `user`'s history lists `count` calls (the server writes the row as the call ends). */
async function historyHas(user: User, count: number) {
  await expect
    .poll(async () => ((await (await user.context.request.get("/api/history")).json()) as { entries: unknown[] }).entries.length, { timeout: 15_000 })
    .toBe(count);
}

export async function seed(browser: Browser): Promise<Seeded> {
  const newcomer = await newUser(browser, "Erin Walker", BASE_URL);

  const requested = await newUser(browser, "Pat Morgan", BASE_URL);
  const rita = await newUser(browser, "Rita Gomez", BASE_URL);
  const sam = await newUser(browser, "Sam Lee", BASE_URL);
  expect((await rita.context.request.post("/api/contacts", { data: { email: requested.email } })).status()).toBe(201);
  expect((await requested.context.request.post("/api/contacts", { data: { email: sam.email } })).status()).toBe(201);

  const alice = await newUser(browser, "Alice Liddell", BASE_URL);
  const bob = await newUser(browser, "Bob", BASE_URL);
  const chen = await newUser(browser, "陈伟", BASE_URL);
  await makeContacts(alice, bob);
  await makeContacts(alice, chen);

  // A completed audio call, a video call Bob declined, and one Alice missed.
  await call(alice, bob, "Audio", async (a, b) => {
    await b.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
    await expect(a.page.getByRole("button", { name: "Hang up", exact: true })).toBeVisible({ timeout: 15_000 });
    await a.page.waitForTimeout(2_000);
    await a.page.getByRole("button", { name: "Hang up", exact: true }).click();
  });
  await historyHas(alice, 1);
  await call(alice, bob, "Video", async (_a, b) => {
    await b.page.getByRole("alertdialog").getByRole("button", { name: "Decline", exact: true }).click();
  });
  await historyHas(alice, 2);
  await call(bob, alice, "Video", async (b) => {
    await b.page.getByRole("button", { name: "Cancel call", exact: true }).click();
  });
  await historyHas(alice, 3);

  const saved = {
    newcomer: await newcomer.context.storageState(),
    requested: await requested.context.storageState(),
    alice: await alice.context.storageState(),
  };
  for (const u of [newcomer, requested, rita, sam, alice, chen]) await u.context.close();
  await bob.page.goto("/");
  return { ...saved, keepOpen: [bob.context] };
}

/** A page at `viewport` in `language` (Accept-Language, as a browser set to it sends), signed in as `who` or signed out. */
export async function openAs(browser: Browser, viewport: Viewport, language: Language, who?: Saved): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: VIEWPORTS[viewport],
    locale: LANGUAGES[language],
    extraHTTPHeaders: { "Accept-Language": LANGUAGES[language] },
    storageState: who,
    permissions: ["camera", "microphone"],
    // Light unless SCREENS_COLOR_SCHEME=dark (the dark scheme swaps tokens only; a11y.spec scans light).
    colorScheme: process.env.SCREENS_COLOR_SCHEME === "dark" ? "dark" : "light",
  });
  return { context, page: await context.newPage() };
}

/** Takes the page offline the way a lost network does (see offline.spec.ts) and waits for the banner. */
export async function goOffline(context: BrowserContext, page: Page) {
  await context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await expect(page.locator("header [role=status]").filter({ hasText: /\S/ })).toBeVisible();
}

export type UiState = {
  name: string;
  /** Signed in as this seeded user, or signed out. */
  who?: "newcomer" | "requested" | "alice";
  path: string;
  /** The API response the page's content waits for. */
  data?: string;
  /** What to do once it is shown (submit a form, go offline). */
  then?: (page: Page, context: BrowserContext) => Promise<void>;
};

export const UI_STATES: UiState[] = [
  { name: "signin", path: "/signin" },
  {
    name: "signup-errors",
    path: "/signup",
    then: async (page) => {
      await page.locator("form button[type=submit]").click();
      await expect(page.locator("[aria-invalid=true]")).toHaveCount(3);
    },
  },
  { name: "contacts-empty", who: "newcomer", path: "/", data: "/api/contacts" },
  { name: "contacts-requests", who: "requested", path: "/", data: "/api/contacts" },
  { name: "contacts", who: "alice", path: "/", data: "/api/contacts" },
  { name: "history", who: "alice", path: "/history", data: "/api/history" },
  // The completed call's quality details (both browsers sent their records as the call ended).
  {
    name: "history-quality",
    who: "alice",
    path: "/history",
    data: "/api/history",
    then: async (page) => {
      await page.locator("button[data-level]").first().click();
      await expect(page.getByTestId("quality-details")).toBeVisible();
    },
  },
  { name: "settings", who: "alice", path: "/settings", data: "/api/settings/privacy" },
  // The connectivity check, once every probe has answered.
  { name: "check", who: "alice", path: "/check", then: (page) => expect(page.locator("ul[aria-busy]")).toHaveAttribute("aria-busy", "false", { timeout: 30_000 }) },
  { name: "account", who: "alice", path: "/account", data: "/api/account" },
  // Each form's feedback in one state (the e2e suite's time is short): the name saved (unchanged,
  // so the other states keep it) with its confirmation next to the button; the email form's field
  // errors (not an email, no password: checked in the browser, nothing is sent).
  {
    name: "account-feedback",
    who: "alice",
    path: "/account",
    data: "/api/account",
    then: async (page) => {
      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/account/name");
      await page.locator("form[aria-labelledby=name-heading] button[type=submit]").click();
      expect((await saved).status()).toBe(200);
      await expect(page.locator("form[aria-labelledby=name-heading] [role=status]")).not.toBeEmpty();
      await page.locator("#email-new").fill("alice@");
      await page.locator("form[aria-labelledby=email-heading] button[type=submit]").click();
      await expect(page.locator("[aria-invalid=true]")).toHaveCount(2);
    },
  },
  // Signed in: signed out, proxy.ts sends every unknown path to /signin first.
  { name: "not-found", who: "alice", path: "/no-such-page" },
  { name: "offline", who: "alice", path: "/", data: "/api/contacts", then: (page, context) => goOffline(context, page) },
];

/** Opens `state` in `page`: its data loaded, the socket up when signed in, then its `then`. */
export async function show(page: Page, context: BrowserContext, state: UiState) {
  const loaded = state.data ? page.waitForResponse((r) => new URL(r.url()).pathname === state.data) : null;
  await page.goto(state.path);
  await loaded;
  // Signed-in pages: the call buttons stop being aria-disabled once the signaling socket is up.
  if (state.who) await expect(page.locator("main [aria-disabled=true]")).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready);
  await state.then?.(page, context);
}
