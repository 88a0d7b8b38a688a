// Calls that never connect: declined, cancelled by the caller, not answered.
// Each outcome must show to the caller and land in both people's history.
import { RING_TIMEOUT_SECONDS } from "./constants";
import { callSection, contactItem, expect, historyRowWith, makeContacts, openContactsAndSeeOnline, test, type User } from "./fixtures";

async function alicePhonesBob(users: { create: (name: string) => Promise<User> }) {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  await expect(outgoing).toContainText("Calling Bob");
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  await expect(incoming).toContainText(/video call/i);
  return { alice, bob, outgoing, incoming };
}

async function expectHistory(user: User, other: string, direction: "Outgoing" | "Incoming", outcome: string) {
  const row = await historyRowWith(user.page, other);
  await expect(row).toContainText(direction);
  await expect(row).toContainText("Video");
  await expect(row).toContainText(outcome);
}

test("declined: the caller sees Declined and both histories say Declined", async ({ users }) => {
  const { alice, bob, outgoing, incoming } = await alicePhonesBob(users);

  await incoming.getByRole("button", { name: "Decline", exact: true }).click();
  await expect(incoming).toBeHidden();
  await expect(outgoing).toContainText("Declined");
  await outgoing.getByRole("button", { name: "Close", exact: true }).click();
  await expect(outgoing).toBeHidden();
  await expect(callSection(alice.page, "Bob")).toHaveCount(0);
  await expect(callSection(bob.page, "Alice")).toHaveCount(0);

  await expectHistory(alice, "Bob", "Outgoing", "Declined");
  await expectHistory(bob, "Alice", "Incoming", "Declined");
});

test("cancelled: the callee stops ringing, caller's history says Cancelled, callee's Missed (unseen)", async ({ users }) => {
  const { alice, bob, outgoing, incoming } = await alicePhonesBob(users);

  await outgoing.getByRole("button", { name: "Cancel call", exact: true }).click();
  await expect(incoming, "the callee stops ringing when the caller cancels").toBeHidden({ timeout: 5_000 });
  // The caller chose to stop: the dialog closes (the outcomes it shows are Declined, No answer, Busy).
  await expect.soft(outgoing, "the caller's dialog closes after Cancel call").toBeHidden({ timeout: 2_000 });

  // The missed call is counted for Bob (and only for Bob).
  await bob.page.reload();
  await expect(bob.page.getByLabel("Unseen missed calls", { exact: true })).toHaveText("1");
  await alice.page.reload();
  await expect(contactItem(alice.page, "Bob")).toBeVisible();
  await expect(alice.page.getByLabel("Unseen missed calls", { exact: true })).toHaveCount(0);

  await expectHistory(alice, "Bob", "Outgoing", "Cancelled");
  await expectHistory(bob, "Alice", "Incoming", "Missed");
});

test("no answer: after the ring timeout the caller sees No answer and the callee has a missed call", async ({ users }) => {
  test.setTimeout(60_000 + RING_TIMEOUT_SECONDS * 1000);
  const { alice, bob, outgoing, incoming } = await alicePhonesBob(users);
  const ringingSince = Date.now();

  await expect(outgoing).toContainText("No answer", { timeout: (RING_TIMEOUT_SECONDS + 7) * 1000 });
  const rang = (Date.now() - ringingSince) / 1000;
  expect(rang, `it rang ${rang.toFixed(1)} s (RING_TIMEOUT_SECONDS=${RING_TIMEOUT_SECONDS})`).toBeGreaterThanOrEqual(RING_TIMEOUT_SECONDS - 1.5);
  await expect(incoming).toBeHidden();
  // The ring that stopped leaves a trace on the callee's screen.
  await expect(bob.page.getByRole("status").filter({ hasText: "Missed call from Alice" })).toBeVisible();
  // The outcome closes by itself after a few seconds.
  await expect(outgoing).toBeHidden({ timeout: 10_000 });

  await bob.page.reload();
  await expect(bob.page.getByLabel("Unseen missed calls", { exact: true })).toHaveText("1");

  await expectHistory(alice, "Bob", "Outgoing", "No answer");
  await expectHistory(bob, "Alice", "Incoming", "Missed");
});
