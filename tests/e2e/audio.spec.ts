// An audio-only call: no camera is opened, audio flows both ways, history says Audio.
import { callSection, contactItem, expect, historyRowWith, makeContacts, mediaFlowing, openContactsAndSeeOnline, receivedVideoStreams, sentTracks, test } from "./fixtures";

test("audio call: audio both ways, no video, history row says Audio", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  await contactItem(alice.page, "Bob").getByRole("button", { name: "Audio call Bob", exact: true }).click();
  await expect(alice.page.getByRole("dialog", { name: "Outgoing call", exact: true })).toContainText("Calling Bob");
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  await expect(incoming).toContainText(/audio call/i);
  await incoming.getByRole("button", { name: "Accept", exact: true }).click();

  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });

  for (const [page, section, who] of [
    [alice.page, aliceCall, "Alice"],
    [bob.page, bobCall, "Bob"],
  ] as const) {
    await expect(section.getByLabel("Remote audio", { exact: true })).toBeAttached();
    await expect(section.getByLabel("Remote video", { exact: true })).toHaveCount(0);
    // The camera stays closed until someone turns the call into video (call-tools.spec.ts).
    await expect(section.getByRole("button", { name: "Turn camera on", exact: true })).toBeEnabled();
    await expect(section.getByRole("button", { name: "Mute microphone", exact: true })).toBeVisible();
    await mediaFlowing(page, "audio", who);
    expect(await receivedVideoStreams(page), `${who}: inbound-rtp video streams with bytes`).toBe(0);
    const sent = await sentTracks(page);
    expect(sent.filter((t) => t.kind === "video"), `${who}: sends no video track`).toEqual([]);
    expect(sent.filter((t) => t.kind === "audio").length, `${who}: sends an audio track`).toBeGreaterThan(0);
  }

  await bobCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(bobCall).toBeHidden();
  await expect(aliceCall).toBeHidden();

  const aliceRow = await historyRowWith(alice.page, "Bob");
  await expect(aliceRow).toContainText("Outgoing");
  await expect(aliceRow).toContainText("Audio");
  await expect(aliceRow).not.toContainText("Video");
  await expect(aliceRow).toContainText("Completed");
  const bobRow = await historyRowWith(bob.page, "Alice");
  await expect(bobRow).toContainText("Incoming");
  await expect(bobRow).toContainText("Audio");
  await expect(bobRow).toContainText("Completed");
});
