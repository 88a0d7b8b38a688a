// Hide my IP address (issue 16 §4), against the run's real coturn: Alice turns
// it on in Settings › Privacy; in a call she places and in one she answers
// (her answer prepared while it rang, P3★), every candidate her page signals
// — alone or inside an SDP — is a relay candidate, Bob's page knows only
// relay candidates of hers, and media flows both ways through the relay.
import type { Page } from "@playwright/test";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, test } from "./fixtures";

/** Candidate lines in the socket.io frames a page sends (signal:candidate payloads and SDPs). */
function sentCandidates(page: Page): string[] {
  const lines: string[] = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", (f) => {
      const text = typeof f.payload === "string" ? f.payload : "";
      for (const m of text.matchAll(/candidate:[^"\\]+/g)) lines.push(m[0]);
    }),
  );
  return lines;
}

/** Types of the remote candidates in the page's newest connected peer connection. */
async function remoteCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
    const types: string[] = [];
    (await pc?.getStats())?.forEach((s: { type: string; candidateType?: string }) => {
      if (s.type === "remote-candidate") types.push(s.candidateType ?? "?");
    });
    return types;
  });
}

test("hide my IP: only relay candidates leave Alice's browser, calling and answering, and media flows through TURN", async ({ users }) => {
  test.setTimeout(120_000);
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const sent = sentCandidates(alice.page);

  // --- Settings › Privacy ----------------------------------------------------------------
  await alice.page.goto("/");
  await alice.page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(alice.page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  const toggle = alice.page.getByRole("switch", { name: "Hide my IP address from the people I call" });
  await expect(toggle).toBeEnabled();
  await expect(toggle).not.toBeChecked();
  await toggle.press("Space");
  await expect(toggle).toBeChecked();
  await expect(alice.page.getByRole("status").filter({ hasText: "Your IP address is now hidden in calls." })).toBeVisible();
  // Saved on the server: still on after a reload.
  await alice.page.reload();
  await expect(alice.page.getByRole("switch", { name: "Hide my IP address from the people I call" })).toBeChecked();

  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  // --- Alice calls Bob ----------------------------------------------------------------------
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "video", "Alice");
  expect(sent.length, "Alice signaled candidates").toBeGreaterThan(0);
  expect(sent.filter((c) => !/ typ relay/.test(c)), "every candidate Alice sent is a relay candidate").toEqual([]);
  const seenByBob = await remoteCandidateTypes(bob.page);
  expect(seenByBob.length).toBeGreaterThan(0);
  expect(new Set(seenByBob), "Bob's page knows only relay candidates of Alice's").toEqual(new Set(["relay"]));
  await callSection(alice.page, "Bob").getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(bob.page, "Alice")).toBeHidden();

  // --- Bob calls Alice: her answer, prepared while it rang, carries relay candidates only --------
  const before = sent.length;
  await contactItem(bob.page, "Alice").getByRole("button", { name: "Video call Alice", exact: true }).click();
  await alice.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "video", "Alice");
  const answering = sent.slice(before);
  expect(answering.length, "Alice's answer carried candidates").toBeGreaterThan(0);
  expect(answering.filter((c) => !/ typ relay/.test(c))).toEqual([]);
  expect(new Set(await remoteCandidateTypes(bob.page))).toEqual(new Set(["relay"]));
  await callSection(bob.page, "Alice").getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(alice.page, "Bob")).toBeHidden();
});
