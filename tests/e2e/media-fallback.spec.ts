// Camera permission denied on the callee's side: the call does not fail. The
// callee is told why and how to fix it, sends audio only, and still sees and
// hears the caller; the caller sees the callee's avatar, not a black frame.
// Once the camera is allowed, "Try again" starts sending video mid-call.
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, refuseCamera, sentTracks, test } from "./fixtures";

test("video call with the callee's camera denied continues audio-only from that side", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  // Bob's browser refuses the camera as a user clicking "Block" would; the microphone is allowed.
  await refuseCamera(bob.context);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();

  const bobCall = callSection(bob.page, "Alice");
  await expect(bobCall.getByRole("alert")).toContainText("Camera permission was denied");
  await expect(bobCall.getByRole("alert")).toContainText("allow the camera");
  // A disabled control says why, not what it would do.
  await expect(bobCall.getByRole("button", { name: "Camera unavailable", exact: true })).toBeDisabled();
  await expect(callSection(alice.page, "Bob").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });

  // Bob still receives Alice's video and audio; Alice receives Bob's audio.
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(bob.page, "audio", "Bob");
  await mediaFlowing(alice.page, "audio", "Alice");
  expect((await sentTracks(bob.page)).map((t) => t.kind)).toEqual(["audio"]);
  const aliceCall = callSection(alice.page, "Bob");
  await expect(aliceCall.getByText("Bob's camera is off", { exact: true })).toBeVisible();

  // Bob allows the camera and tries again: his video starts without ending the call.
  await bob.page.evaluate(() => ((window as { __cameraAllowed?: boolean }).__cameraAllowed = true));
  await bobCall.getByRole("button", { name: "Try again", exact: true }).click();
  await expect(bobCall.getByRole("alert")).toBeHidden();
  await expect(bobCall.getByRole("button", { name: "Turn camera off", exact: true })).toBeEnabled();
  await expect.poll(async () => (await sentTracks(bob.page)).map((t) => t.kind).sort()).toEqual(["audio", "video"]);
  await mediaFlowing(alice.page, "video", "Alice");
  await expect(aliceCall.getByText("Bob's camera is off", { exact: true })).toBeHidden();

  await bobCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(alice.page, "Bob")).toBeHidden();
});
