// PNGs of the in-call tools at phone and desktop width in English and Chinese:
// the other side's shared screen with the camera tile, the sharer's own view,
// the device settings popover, and the device check before a call.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, makeContacts, test } from "../e2e/fixtures";
import { LANGUAGES, VIEWPORTS, type Language, type Viewport } from "../e2e/ui-states";

const DIR = path.resolve(process.env.SCREENS_DIR || ".tmp/screens");
type Messages = Record<string, Record<string, string>>;
const messages = (language: Language): Messages => JSON.parse(fs.readFileSync(path.resolve("messages", `${language}.json`), "utf8")) as Messages;
const fill = (text: string, name: string) => text.replace("{name}", name);

for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
  for (const language of Object.keys(LANGUAGES) as Language[]) {
    test(`call tools at ${viewport} width in ${language}`, async ({ users }) => {
      test.setTimeout(120_000);
      fs.mkdirSync(DIR, { recursive: true });
      const m = messages(language);
      const shot = (page: Page, state: string) => page.screenshot({ path: path.join(DIR, `${state}-${VIEWPORTS[viewport].width}-${language}.png`) });
      const alice = await users.create("Alice Liddell", { locale: LANGUAGES[language] });
      const bob = await users.create("Bob", { locale: LANGUAGES[language] });
      await makeContacts(alice, bob);
      for (const u of [alice, bob]) {
        await u.page.setViewportSize(VIEWPORTS[viewport]);
        await u.page.goto("/");
      }
      // The device check before a call.
      await alice.page.getByRole("button", { name: m.devices!.check!, exact: true }).click();
      const check = alice.page.getByRole("dialog", { name: m.devices!.check!, exact: true });
      await expect(check.getByRole("meter")).toBeVisible();
      await alice.page.waitForTimeout(1_200);
      await shot(alice.page, "device-check");
      await alice.page.keyboard.press("Escape");

      await alice.page.getByRole("button", { name: fill(m.contacts!.videoCall!, "Bob"), exact: true }).click();
      await bob.page.getByRole("alertdialog").getByRole("button", { name: m.call!.accept!, exact: true }).click();
      const aliceCall = alice.page.getByRole("region", { name: fill(m.call!.callWith!, "Bob"), exact: true });
      const bobCall = bob.page.getByRole("region", { name: fill(m.call!.callWith!, "Alice Liddell"), exact: true });
      await expect(bobCall.getByText(m.call!.connected!, { exact: true })).toBeVisible({ timeout: 15_000 });
      await aliceCall.getByRole("button", { name: m.callTools!.shareScreen!, exact: true }).click();
      await expect(bobCall.getByLabel(fill(m.callTools!.sharedScreen!, "Alice Liddell"), { exact: true })).toBeVisible();
      await bob.page.waitForTimeout(2_500);
      await bob.page.mouse.move(10, 10);
      await alice.page.mouse.move(10, 10);
      await shot(bob.page, "call-screen-shared");
      await shot(alice.page, "call-screen-sharing");
      await aliceCall.getByRole("button", { name: m.devices!.settings!, exact: true }).click();
      await expect(alice.page.getByRole("dialog", { name: m.devices!.settings!, exact: true }).getByRole("meter")).toBeVisible();
      await alice.page.waitForTimeout(800);
      await shot(alice.page, "call-device-settings");
    });
  }
}
