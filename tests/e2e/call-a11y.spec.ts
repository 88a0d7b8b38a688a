// Accessibility of every call state (axe-core: 0 violations of any impact):
// the caller's ring, the callee's ring, the call screen on both sides (the
// callee's camera refused, so the camera-denied state is in it), and the
// end-of-call sheet. English at desktop and phone width; Chinese at phone
// width only (as in a11y.spec.ts: axe's rules do not depend on the language,
// a longer or wider text breaks a phone's layout first, and the Chinese desktop
// screens are looked at in `npm run screenshots`). The Chinese run is also the
// journey in 简体中文 (Accept-Language: zh-CN) to a connected call. One call per
// language; each state is scanned at the language's widths by resizing the page.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, makeContacts, refuseCamera, test } from "./fixtures";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

async function scan(page: Page, state: string, sizes: readonly { width: number; height: number }[] = SIZES): Promise<void> {
  for (const size of sizes) {
    await page.setViewportSize(size);
    // Let layout and transitions settle at the new size.
    await page.waitForTimeout(350);
    const started = Date.now();
    const { violations } = await new AxeBuilder({ page }).analyze();
    console.log(`[axe] ${state} ${size.width}: ${Date.now() - started} ms`);
    const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(summary, `${state} at ${size.width}×${size.height}`).toEqual([]);
  }
}

const LANGS = [
  { locale: "en", sizes: SIZES, video: "Video call Bob", accept: "Accept", hangUp: "Hang up", callWithBob: "Call with Bob", callWithAlice: "Call with Alice", ended: "Call with Bob ended", connected: "Connected", cancel: "Cancel call", outgoing: "Outgoing call", close: "Close" },
  { locale: "zh-CN", sizes: [SIZES[1]], video: "与 Bob 视频通话", accept: "接听", hangUp: "挂断", callWithBob: "与 Bob 通话", callWithAlice: "与 Alice 通话", ended: "与 Bob 的通话已结束", connected: "已连接", cancel: "取消呼叫", outgoing: "呼出电话", close: "关闭" },
] as const;

for (const lang of LANGS) {
  test(`call states have no axe violations (${lang.locale})`, async ({ users }) => {
    test.setTimeout(180_000);
    // The browser's language picks the app's (no cookie: nobody used the switch).
    const browserLocale = lang.locale === "zh-CN" ? "zh-CN" : "en-US";
    const alice = await users.create("Alice", { locale: browserLocale });
    const bob = await users.create("Bob", { locale: browserLocale });
    await makeContacts(alice, bob);
    // Bob's camera is refused: the in-call screen shows the camera-denied banner.
    await refuseCamera(bob.context);
    for (const u of [alice, bob]) await u.page.goto("/");
    await expect(alice.page.getByRole("button", { name: lang.video, exact: true })).toBeEnabled();
    await expect(bob.page.locator("html")).toHaveAttribute("lang", lang.locale);

    // A ring lasts RING_TIMEOUT_SECONDS (15 s) in this suite and one scan can take seconds on a
    // busy machine: one ring per width, declined (or cancelled) once scanned, checked still there.
    const video = alice.page.getByRole("button", { name: lang.video, exact: true });
    const ring = bob.page.getByRole("alertdialog");
    for (const size of lang.sizes) {
      await video.click();
      await expect(ring).toBeVisible();
      await scan(bob.page, "incoming ring", [size]);
      await expect(ring, "the ring outlived its scan").toBeVisible();
      await bob.page.keyboard.press("Escape");
      await expect(ring).toBeHidden();
      const outgoing = alice.page.getByRole("dialog", { name: lang.outgoing, exact: true });
      await outgoing.getByRole("button", { name: lang.close, exact: true }).click();
      await expect(outgoing).toBeHidden();
    }
    for (const size of lang.sizes) {
      await video.click();
      await expect(ring).toBeVisible();
      await scan(alice.page, "outgoing ring", [size]);
      await expect(ring, "the ring outlived its scan").toBeVisible();
      await alice.page.getByRole("button", { name: lang.cancel, exact: true }).click();
      await expect(ring).toBeHidden();
    }
    await alice.page.setViewportSize(lang.sizes[0]);
    await video.click();
    await ring.getByRole("button", { name: lang.accept, exact: true }).click();
    await expect(alice.page.getByRole("region", { name: lang.callWithBob, exact: true }).getByText(lang.connected, { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(bob.page.getByRole("region", { name: lang.callWithAlice, exact: true }).getByRole("alert")).toBeVisible();
    await scan(alice.page, "in call (caller)", lang.sizes);
    await scan(bob.page, "in call, camera denied (callee)", lang.sizes);

    await alice.page.getByRole("region", { name: lang.callWithBob, exact: true }).getByRole("button", { name: lang.hangUp, exact: true }).click();
    await expect(alice.page.getByRole("dialog", { name: lang.ended, exact: true })).toBeVisible();
    await scan(alice.page, "call ended", lang.sizes);
  });
}
