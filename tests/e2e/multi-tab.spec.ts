// A callee with two tabs open: both ring, answering in one stops the other.
import {
  armFirstFrameProbe,
  callSection,
  contactItem,
  expect,
  makeContacts,
  mediaFlowing,
  openContactsAndSeeOnline,
  reportFirstFrame,
  test,
} from "./fixtures";

test("both of Bob's tabs ring; accepting in one stops the other and the call connects there", async ({ users }, testInfo) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const tab1 = bob.page;
  const tab2 = await bob.context.newPage();
  await openContactsAndSeeOnline([alice.page, "Bob"], [tab1, "Alice"], [tab2, "Alice"]);

  await armFirstFrameProbe(tab1, { recordAccept: true });
  await armFirstFrameProbe(alice.page, { recordAccept: false });
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await expect(alice.page.getByRole("dialog", { name: "Outgoing call", exact: true })).toContainText("Calling Bob");

  const ring1 = tab1.getByRole("alertdialog");
  const ring2 = tab2.getByRole("alertdialog");
  await expect(ring1).toContainText("Alice");
  await expect(ring2).toContainText("Alice");

  await ring1.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(ring2, "the other tab stops ringing when one answers").toBeHidden({ timeout: 2_000 });
  await expect(ring1).toBeHidden();

  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(tab1, "Alice");
  await expect(aliceCall).toBeVisible();
  await expect(bobCall).toBeVisible();
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await reportFirstFrame(testInfo, tab1, { "callee tab 1 (Bob)": tab1, "caller (Alice)": alice.page });
  await mediaFlowing(tab1, "video", "Bob tab 1");
  await mediaFlowing(alice.page, "video", "Alice");

  // The second tab is not in the call and holds no live peer connection.
  await expect(callSection(tab2, "Alice")).toHaveCount(0);
  const tab2Connected = await tab2.evaluate(() => (window.__pcs ?? []).filter((pc) => pc.connectionState === "connected").length);
  expect(tab2Connected, "connected peer connections in Bob's second tab").toBe(0);

  await aliceCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(aliceCall).toBeHidden();
  await expect(bobCall).toBeHidden();
});

test("a double click on Accept answers once: no error, the call connects with media", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  // The ring dialog stays until the answer is out (a few ms): the second click lands on it.
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).dblclick();
  await expect(callSection(bob.page, "Alice").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(bob.page, "video", "Bob");
  // No notice (a second accept would have said "The call is no longer available." or "Answered on another device.").
  await expect(bob.page.getByRole("button", { name: "Dismiss", exact: true })).toHaveCount(0);
});
