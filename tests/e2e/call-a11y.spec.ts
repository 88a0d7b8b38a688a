// Accessibility of every call state (axe-core: 0 violations of any impact) at
// desktop and phone width, in English and in Chinese: the caller's ring, the
// callee's ring, the call screen on both sides (the callee's camera refused,
// so the camera-denied state is in it), and the end-of-call sheet. One call
// per language; each state is scanned at both widths by resizing the page.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { LOCALE_COOKIE } from "../../i18n/locales";
import { BASE_URL } from "./constants";
import { callSection, contactItem, expect, makeContacts, test } from "./fixtures";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

async function scan(page: Page, state: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let layout and transitions settle at the new size.
    await page.waitForTimeout(350);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(summary, `${state} at ${size.width}×${size.height}`).toEqual([]);
  }
}

const LANGS = [
  { locale: "en", video: "Video call Bob", accept: "Accept", hangUp: "Hang up", callWithBob: "Call with Bob", callWithAlice: "Call with Alice", ended: "Call with Bob ended", connected: "Connected" },
  { locale: "zh-CN", video: "与 Bob 视频通话", accept: "接听", hangUp: "挂断", callWithBob: "与 Bob 通话", callWithAlice: "与 Alice 通话", ended: "与 Bob 的通话已结束", connected: "已连接" },
] as const;

for (const lang of LANGS) {
  test(`call states have no axe violations (${lang.locale})`, async ({ users }) => {
    const alice = await users.create("Alice");
    const bob = await users.create("Bob");
    await makeContacts(alice, bob);
    for (const u of [alice, bob]) await u.context.addCookies([{ name: LOCALE_COOKIE, value: lang.locale, url: BASE_URL }]);
    // Bob's camera is refused: the in-call screen shows the camera-denied banner.
    await bob.context.addInitScript(() => {
      const md = navigator.mediaDevices;
      const original = md.getUserMedia.bind(md);
      md.getUserMedia = (c?: MediaStreamConstraints) => (c?.video ? Promise.reject(new DOMException("denied", "NotAllowedError")) : original(c));
    });
    for (const u of [alice, bob]) await u.page.goto("/");
    await expect(contactItem(alice.page, "Bob").getByRole("button", { name: lang.video, exact: true })).toBeEnabled();
    await expect(bob.page.locator("html")).toHaveAttribute("lang", lang.locale);

    await contactItem(alice.page, "Bob").getByRole("button", { name: lang.video, exact: true }).click();
    const ring = bob.page.getByRole("alertdialog");
    await expect(ring).toBeVisible();
    await scan(alice.page, "outgoing ring");
    await scan(bob.page, "incoming ring");

    await ring.getByRole("button", { name: lang.accept, exact: true }).click();
    await expect(callSection(alice.page, "Bob").getByText(lang.connected, { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(callSection(bob.page, "Alice").getByRole("alert")).toBeVisible();
    await scan(alice.page, "in call (caller)");
    await scan(bob.page, "in call, camera denied (callee)");

    await callSection(alice.page, "Bob").getByRole("button", { name: lang.hangUp, exact: true }).click();
    await expect(alice.page.getByRole("dialog", { name: lang.ended, exact: true })).toBeVisible();
    await scan(alice.page, "call ended");
  });
}
