// PNGs of the call states at phone and desktop width in English and Chinese,
// to look at: the caller's ring, the callee's ring, the call screen on both
// sides (the callee's camera refused and microphone muted, so the caller sees
// the avatar and the muted mark, and the callee the camera-denied banner),
// the Verify panel, and the end-of-call sheet. Written next to the page screens (SCREENS_DIR).
import fs from "node:fs";
import path from "node:path";
import { expect, makeContacts, refuseCamera, test } from "../e2e/fixtures";
import { LANGUAGES, VIEWPORTS, type Language, type Viewport } from "../e2e/ui-states";

const DIR = path.resolve(process.env.SCREENS_DIR || ".tmp/screens");

type Messages = {
  call: Record<string, string> & { status: Record<string, string> };
  contacts: Record<string, string>;
  verify: Record<string, string> & { chip: Record<string, string> };
};
const messages = (language: Language): Messages => JSON.parse(fs.readFileSync(path.resolve("messages", `${language}.json`), "utf8")) as Messages;
const fill = (text: string, name: string) => text.replace("{name}", name);

for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
  for (const language of Object.keys(LANGUAGES) as Language[]) {
    test(`call screens at ${viewport} width in ${language}`, async ({ users }) => {
      test.setTimeout(120_000);
      fs.mkdirSync(DIR, { recursive: true });
      const m = messages(language);
      const shot = (page: import("@playwright/test").Page, state: string) =>
        page.screenshot({ path: path.join(DIR, `${state}-${VIEWPORTS[viewport].width}-${language}.png`) });
      const alice = await users.create("Alice Liddell", { locale: LANGUAGES[language] });
      const bob = await users.create("Bob", { locale: LANGUAGES[language] });
      await makeContacts(alice, bob);
      await refuseCamera(bob.context);
      // Bob's Accept reaches the server 2 s late, so that the ring dialog's "Connecting…" can be seen.
      let holdAccept = true;
      await bob.page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          if (holdAccept && typeof message === "string" && message.includes('"call:accept"')) {
            holdAccept = false;
            setTimeout(() => server.send(message), 2_000);
          } else server.send(message);
        });
      });
      for (const u of [alice, bob]) {
        await u.page.setViewportSize(VIEWPORTS[viewport]);
        await u.page.goto("/");
      }
      const video = alice.page.getByRole("button", { name: fill(m.contacts.videoCall!, "Bob"), exact: true });
      await expect(video).toBeEnabled();
      await video.click();
      const ring = bob.page.getByRole("alertdialog");
      await expect(ring).toBeVisible();
      await alice.page.waitForTimeout(800);
      await shot(alice.page, "call-outgoing");
      await shot(bob.page, "call-incoming");

      await ring.getByRole("button", { name: m.call.accept, exact: true }).click();
      // The ring dialog says it is connecting until the call screen takes over.
      await expect(ring.getByRole("button", { name: m.call.connecting, exact: true })).toBeVisible();
      await shot(bob.page, "call-accepting");
      const aliceCall = alice.page.getByRole("region", { name: fill(m.call.callWith!, "Bob"), exact: true });
      const bobCall = bob.page.getByRole("region", { name: fill(m.call.callWith!, "Alice Liddell"), exact: true });
      await expect(aliceCall.getByText(m.call.status.connected!, { exact: true })).toBeVisible({ timeout: 15_000 });
      await bobCall.getByRole("button", { name: m.call.muteMic, exact: true }).click();
      await expect(aliceCall.getByRole("img", { name: fill(m.call.peerMuted!, "Bob") })).toBeVisible();
      // Frames on screen and the self-view tile in place.
      await alice.page.waitForTimeout(2_000);
      await bob.page.mouse.move(10, 10);
      await alice.page.mouse.move(10, 10);
      await shot(alice.page, "call-active-caller");
      await shot(bob.page, "call-active-callee-camera-denied");
      // The Verify panel: the call's code, what to do with it, "Codes match".
      await aliceCall.getByRole("button", { name: m.verify.chip.unverified, exact: true }).click();
      await expect(alice.page.getByTestId("verify-code")).toBeVisible();
      await alice.page.waitForTimeout(300);
      await shot(alice.page, "call-verify");
      await alice.page.keyboard.press("Escape");

      await aliceCall.getByRole("button", { name: m.call.hangUp, exact: true }).click();
      await expect(alice.page.getByRole("dialog", { name: fill(m.call.callEndedWith!, "Bob") })).toBeVisible();
      await alice.page.waitForTimeout(400);
      await shot(alice.page, "call-ended");
      await shot(bob.page, "call-ended-other-side");
    });
  }
}
