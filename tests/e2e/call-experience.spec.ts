// What a person sees and can do around a call: a ring that typing can never
// answer, answering with audio only, the other side's muted mark and avatar,
// the phone layout of the call screen, and the end-of-call sheet on both sides.
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, sentTracks, test } from "./fixtures";

test("typing in a field when a call arrives never answers it, and loses no character", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  const field = bob.page.getByLabel("Contact email", { exact: true });
  await field.click();
  const text = "ab cd ef gh ij kl mn"; // 20 characters, spaces included
  expect(text).toHaveLength(20);
  // Bob types through the ring's arrival: the call is placed after his fifth key.
  const typing = (async () => {
    for (const [i, ch] of [...text].entries()) {
      if (i === 5) await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
      await bob.page.keyboard.type(ch);
      await bob.page.waitForTimeout(60);
    }
  })();
  const ring = bob.page.getByRole("alertdialog");
  await expect(ring).toBeVisible();
  await typing;
  // Still ringing: nothing typed answered, and every key reached the field.
  await expect(ring).toBeVisible();
  await expect(callSection(bob.page, "Alice")).toHaveCount(0);
  await expect(field).toHaveValue(text);
  // The dialog holds the focus (not its Accept button), and Tab stays inside it.
  expect(await bob.page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alertdialog");
  for (let i = 0; i < 5; i++) {
    await bob.page.keyboard.press("Tab");
    expect(await bob.page.evaluate(() => Boolean(document.activeElement?.closest("[role=alertdialog]")))).toBe(true);
  }
  // The page behind is inert while it rings.
  expect(await bob.page.evaluate(() => document.querySelector("main")?.closest("[aria-hidden=true], [inert]") !== null)).toBe(true);
  // Escape declines; the caller sees only the outcome, and Bob's field keeps his text.
  await bob.page.keyboard.press("Escape");
  await expect(ring).toBeHidden();
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  await expect(outgoing.getByRole("status")).toHaveText("Declined");
  await expect(outgoing).not.toContainText("Calling");
  await expect(field).toHaveValue(text);
});

test("answer with audio only; mute and camera off show on the other side within a second; phone layout; both get an end-of-call sheet", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);

  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const ring = bob.page.getByRole("alertdialog");
  await expect(ring).toContainText("Alice");
  await expect(ring).toContainText(/video call/i);
  await ring.getByRole("button", { name: "Accept audio only", exact: true }).click();

  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  // Bob sees Alice; Alice hears Bob and sees his avatar and "camera is off", not a black frame.
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "audio", "Alice");
  expect((await sentTracks(bob.page)).map((t) => t.kind)).toEqual(["audio"]);
  await expect(aliceCall.getByText("Bob's camera is off", { exact: true })).toBeVisible();
  await expect(bobCall.getByRole("button", { name: "Camera unavailable", exact: true })).toBeDisabled();

  // --- Phone layout (Alice at 390×844) ----------------------------------------------------
  await expect(aliceCall.getByRole("button", { name: "Hang up", exact: true })).toBeVisible();
  const layout = await alice.page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('video[aria-label="Remote video"]')!;
    const r = video.getBoundingClientRect();
    const visible = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    const controls = [...document.querySelectorAll<HTMLElement>('[role=group][aria-label="Call controls"] button')].map((b) => {
      const c = b.getBoundingClientRect();
      return { name: b.getAttribute("aria-label"), w: c.width, h: c.height, middle: Math.round(c.top + c.height / 2) };
    });
    return { share: visible / (innerWidth * innerHeight), controls, scrollWidth: document.scrollingElement!.scrollWidth, innerWidth };
  });
  expect(layout.share, "the remote video covers the phone's screen").toBeGreaterThanOrEqual(0.9);
  for (const c of layout.controls) {
    expect(c.w, `${c.name} width`).toBeGreaterThanOrEqual(44);
    expect(c.h, `${c.name} height`).toBeGreaterThanOrEqual(44);
  }
  expect(new Set(layout.controls.map((c) => c.middle)).size, "the controls sit in one row").toBe(1);
  expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);

  // --- Mute and camera off reach the other side within a second -----------------------------
  await aliceCall.getByRole("button", { name: "Mute microphone", exact: true }).click();
  await aliceCall.getByRole("button", { name: "Turn camera off", exact: true }).click();
  await expect(bobCall.getByRole("img", { name: "Alice is muted", exact: true })).toBeVisible({ timeout: 1_000 });
  await expect(bobCall.getByText("Alice's camera is off", { exact: true })).toBeVisible({ timeout: 1_000 });
  await aliceCall.getByRole("button", { name: "Unmute microphone", exact: true }).click();
  await aliceCall.getByRole("button", { name: "Turn camera on", exact: true }).click();
  await expect(bobCall.getByRole("img", { name: "Alice is muted", exact: true })).toBeHidden({ timeout: 1_000 });
  await expect(bobCall.getByText("Alice's camera is off", { exact: true })).toBeHidden({ timeout: 1_000 });

  // --- Hang up: both get a summary that closes itself ----------------------------------------
  await aliceCall.getByRole("button", { name: "Hang up", exact: true }).click();
  const aliceSheet = alice.page.getByRole("dialog", { name: "Call with Bob ended", exact: true });
  const bobSheet = bob.page.getByRole("dialog", { name: "Call with Alice ended", exact: true });
  await expect(aliceSheet).toContainText("You ended the call");
  await expect(bobSheet).toContainText("Alice ended the call");
  await expect(bobSheet.getByRole("button", { name: "Call again", exact: true })).toBeVisible();
  await expect(aliceSheet).toBeHidden({ timeout: 12_000 });
  await expect(bobSheet).toBeHidden({ timeout: 2_000 });
});
