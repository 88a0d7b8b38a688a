// The connectivity check (/check, issue 16 §3) against the run's real coturn:
// every item a loopback machine can pass passes (STUN is not configured here:
// it says so as a warning), the relay carries data between two relay-only
// connections, and "Copy report" puts it all on the clipboard. With a wrong
// TURN secret the relay item fails with the admin's fix; with the camera
// refused the camera item fails with the user's.
import type { Page } from "@playwright/test";
import { expect, refuseCamera, test } from "./fixtures";

const KEYS: Record<string, string> = { Browser: "browser", Camera: "camera", Microphone: "microphone", Speaker: "speaker", "Connection to Dialtone": "signaling", "Public address (STUN)": "stun", "Relay (TURN)": "turn" };
/** The result row named `name` (its heading reads "<name>: passed" to a screen reader once done). */
const item = (page: Page, name: string) => {
  const row = page.getByRole("list", { name: "Check results" }).locator(`li[data-item="${KEYS[name]}"]`);
  return row.filter({ hasText: name });
};

async function settled(page: Page) {
  await expect(page.getByRole("list", { name: "Check results" })).toHaveAttribute("aria-busy", "false", { timeout: 30_000 });
}

test("all items pass against a real coturn; the speaker plays; the report is copied", async ({ users }) => {
  const alice = await users.create("Alice");
  await alice.context.grantPermissions(["camera", "microphone", "clipboard-read", "clipboard-write"]);
  await alice.page.goto("/settings");
  await alice.page.getByRole("link", { name: /Connection check/ }).click();
  await expect(alice.page.getByRole("heading", { name: "Connection check", level: 1 })).toBeVisible();
  await settled(alice.page);
  for (const name of ["Browser", "Camera", "Microphone", "Connection to Dialtone", "Relay (TURN)"]) {
    await expect(item(alice.page, name), name).toHaveAttribute("data-verdict", "pass");
  }
  await expect(item(alice.page, "Relay (TURN)")).toContainText(/data crossed it in \d+ ms/);
  await expect(item(alice.page, "Connection to Dialtone")).toContainText(/\d+ ms round trip/);
  await expect(item(alice.page, "Public address (STUN)")).toHaveAttribute("data-verdict", "warn");
  await expect(item(alice.page, "Public address (STUN)")).toContainText("Admin: set STUN_URLS.");
  // The camera's preview plays; the microphone meter moved.
  await expect.poll(() => alice.page.getByLabel("Camera preview").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

  await item(alice.page, "Speaker").getByRole("button", { name: "Play test tone" }).click();
  await expect(item(alice.page, "Speaker")).toHaveAttribute("data-verdict", "pass");

  await alice.page.getByRole("button", { name: "Copy report" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Report copied" })).toBeVisible();
  const report = await alice.page.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain("Relay (TURN): PASS");
  expect(report).toContain("Camera: PASS");
  expect(report).toContain("Public address (STUN): WARN");
});

test("a wrong TURN secret fails the relay item with the admin's fix; a refused camera fails the camera item", async ({ users }) => {
  const alice = await users.create("Alice");
  await refuseCamera(alice.context);
  // The server's credential, signed with another secret: what a TURN_SECRET that doesn't match coturn's gives.
  await alice.page.route("**/api/check/ice", async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { iceServers: { urls: string[]; username?: string; credential?: string }[] };
    for (const s of body.iceServers) if (s.credential) s.credential = "bm90LXRoZS1yaWdodC1zZWNyZXQ=";
    await route.fulfill({ response: res, json: body });
  });
  await alice.page.goto("/check");
  await settled(alice.page);
  await expect(item(alice.page, "Relay (TURN)")).toHaveAttribute("data-verdict", "fail");
  await expect(item(alice.page, "Relay (TURN)")).toContainText("check that TURN_SECRET matches coturn's static-auth-secret");
  await expect(item(alice.page, "Camera")).toHaveAttribute("data-verdict", "fail");
  await expect(item(alice.page, "Camera")).toContainText("The camera is blocked: allow it for this site in the address bar");
  await expect(item(alice.page, "Microphone")).toHaveAttribute("data-verdict", "pass");
});
