// Verify the call (issue 16 §1): both pages show the same six-digit code, and
// it is the code the test derives itself from each page's getStats
// certificates (the certificates DTLS actually negotiated). Each browser keeps
// one long-lived certificate: a second call between the same two profiles has
// the same fingerprints and shows "Verified" by itself; after one side's
// stored certificate is replaced, the other side is told the code changed.
import type { Page } from "@playwright/test";
import { deriveSas, type Fingerprint } from "../../app/call/sas";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, test } from "./fixtures";

/** The connected transport's local and remote certificate fingerprints, read from the page's newest connected peer connection. */
async function negotiated(page: Page): Promise<{ local: Fingerprint; remote: Fingerprint }> {
  const found = await page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
    if (!pc) return null;
    type S = { id: string; type: string; dtlsState?: string; localCertificateId?: string; remoteCertificateId?: string; fingerprint?: string; fingerprintAlgorithm?: string };
    const stats = new Map<string, S>();
    (await pc.getStats()).forEach((s: S) => stats.set(s.id, s));
    for (const s of stats.values()) {
      if (s.type !== "transport" || s.dtlsState !== "connected") continue;
      const l = stats.get(s.localCertificateId ?? "");
      const r = stats.get(s.remoteCertificateId ?? "");
      if (l?.fingerprint && r?.fingerprint) {
        return { local: { algorithm: l.fingerprintAlgorithm ?? "", value: l.fingerprint }, remote: { algorithm: r.fingerprintAlgorithm ?? "", value: r.fingerprint } };
      }
    }
    return null;
  });
  expect(found, "a connected DTLS transport with both certificates").not.toBeNull();
  return found!;
}

const chip = (page: Page, other: string) => callSection(page, other).getByRole("button", { name: /^(Verify|Verified|Code changed)$/ });

/** Alice calls Bob, Bob accepts; returns once both pages show the Verify control (DTLS is up). */
async function call(alice: Page, bob: Page) {
  await contactItem(alice, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  await expect(chip(alice, "Bob")).toBeVisible({ timeout: 15_000 });
  await expect(chip(bob, "Alice")).toBeVisible({ timeout: 15_000 });
}

async function hangUp(alice: Page, bob: Page) {
  await callSection(alice, "Bob").getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(alice, "Bob")).toBeHidden();
  await expect(callSection(bob, "Alice")).toBeHidden();
}

test("the verification code matches on both sides and the certificates; verified sticks to the device; a new certificate warns", async ({ users }) => {
  test.setTimeout(120_000);
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  // --- First call: the same code on both pages, equal to the one derived from getStats ---------
  await call(alice.page, bob.page);
  await mediaFlowing(bob.page, "video", "Bob");
  const [a1, b1] = [await negotiated(alice.page), await negotiated(bob.page)];
  // No one in the middle: each side's remote certificate is the other's local one.
  expect(a1.remote.value).toBe(b1.local.value);
  expect(b1.remote.value).toBe(a1.local.value);
  const expected = await deriveSas(a1.local, a1.remote);
  expect(await deriveSas(b1.local, b1.remote)).toBe(expected);
  for (const [page, other] of [
    [alice.page, "Bob"],
    [bob.page, "Alice"],
  ] as const) {
    await expect(chip(page, other)).toHaveText("Verify");
    await chip(page, other).click();
    const panel = page.getByRole("dialog", { name: `Verify your call with ${other}` });
    await expect(panel.getByTestId("verify-code")).toHaveText(expected);
    await panel.getByRole("button", { name: "Codes match — mark as verified" }).click();
    await expect(panel).toContainText(`You verified ${other} on this device.`);
    await page.keyboard.press("Escape");
    await expect(chip(page, other)).toHaveText("Verified");
  }
  await hangUp(alice.page, bob.page);

  // --- Second call: same certificates (kept in IndexedDB), "Verified" without checking ---------
  await call(alice.page, bob.page);
  const a2 = await negotiated(alice.page);
  expect(a2.local.value, "Alice's browser kept its certificate").toBe(a1.local.value);
  expect(a2.remote.value, "Bob's browser kept its certificate").toBe(a1.remote.value);
  await expect(chip(alice.page, "Bob")).toHaveText("Verified");
  await expect(chip(bob.page, "Alice")).toHaveText("Verified");
  await hangUp(alice.page, bob.page);

  // --- Bob's stored certificate is replaced: Alice is told, plainly ------------------------------
  await bob.page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase("dialtone-identity");
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      }),
  );
  await openContactsAndSeeOnline([bob.page, "Alice"]);
  await call(alice.page, bob.page);
  const a3 = await negotiated(alice.page);
  expect(a3.remote.value).not.toBe(a1.remote.value);
  await expect(chip(alice.page, "Bob")).toHaveText("Code changed");
  await chip(alice.page, "Bob").click();
  const panel = alice.page.getByRole("dialog", { name: "Verify your call with Bob" });
  await expect(panel.getByRole("alert")).toContainText("Bob’s security code has changed since you verified it");
  await expect(panel.getByTestId("verify-code")).toHaveText(await deriveSas(a3.local, a3.remote));
  // Bob's view of Alice did not change.
  await expect(chip(bob.page, "Alice")).toHaveText("Verified");
  await alice.page.keyboard.press("Escape");
  await hangUp(alice.page, bob.page);
});
