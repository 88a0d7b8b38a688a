// PNGs of the in-call chat and the connection-quality details at phone and
// desktop width in English and Chinese, to look at: the chat panel with
// messages both ways (a link among them), the chat button's unread count on
// the other side, and the quality details open. Written to SCREENS_DIR.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, makeContacts, test } from "../e2e/fixtures";
import { LANGUAGES, VIEWPORTS, type Language, type Viewport } from "../e2e/ui-states";

const DIR = path.resolve(process.env.SCREENS_DIR || ".tmp/screens");
type Messages = { call: Record<string, string> & { status: Record<string, string> }; contacts: Record<string, string>; chat: Record<string, string> };
const messages = (language: Language): Messages => JSON.parse(fs.readFileSync(path.resolve("messages", `${language}.json`), "utf8")) as Messages;
const fill = (text: string, name: string) => text.replace("{name}", name);

for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
  for (const language of Object.keys(LANGUAGES) as Language[]) {
    test(`in-call chat and quality at ${viewport} width in ${language}`, async ({ users }) => {
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
      const video = alice.page.getByRole("button", { name: fill(m.contacts.videoCall!, "Bob"), exact: true });
      await expect(video).toBeEnabled();
      await video.click();
      await bob.page.getByRole("alertdialog").getByRole("button", { name: m.call.accept, exact: true }).click();
      const aliceCall = alice.page.getByRole("region", { name: fill(m.call.callWith!, "Bob"), exact: true });
      await expect(aliceCall.getByText(m.call.status.connected!, { exact: true })).toBeVisible({ timeout: 15_000 });

      await aliceCall.getByRole("button", { name: m.chat.open, exact: true }).click();
      const input = alice.page.getByRole("textbox", { name: m.chat.input, exact: true });
      await expect(input).toBeEnabled({ timeout: 10_000 });
      const lines = language === "en"
        ? ["Hi Bob! Can you see the slides?", "Here they are: https://example.com/slides/q3-review", "And a long one to see how wrapping looks when a message goes on for more than a line or two."]
        : ["你好 Bob！能看到幻灯片吗？", "在这里：https://example.com/slides/q3-review", "再来一条长消息，看看消息超过一两行时的换行效果如何。"];
      for (const line of lines) {
        await input.fill(line);
        await input.press("Enter");
      }
      const bobChat = bob.page.getByRole("button", { name: new RegExp(`^${m.chat.open}[,，]`) });
      await expect(bobChat).toBeVisible();
      await bob.page.mouse.move(10, 10);
      await shot(bob.page, "call-chat-unread");
      await bobChat.click();
      const bobInput = bob.page.getByRole("textbox", { name: m.chat.input, exact: true });
      await bobInput.fill(language === "en" ? "Yes, all good 👍" : "能看到，没问题 👍");
      await bobInput.press("Enter");
      await expect(alice.page.locator("[data-chat-message=them]")).toHaveCount(1);
      await alice.page.mouse.move(10, 10);
      await shot(alice.page, "call-chat-open");
      await input.press("Escape");

      await alice.page.getByRole("button", { name: /^(Connection quality|连接质量)/ }).click();
      await expect(alice.page.locator('[data-stat="video-in"] dd')).toContainText("×", { timeout: 10_000 });
      await alice.page.waitForTimeout(1_200);
      await shot(alice.page, "call-quality-details");
    });
  }
}
