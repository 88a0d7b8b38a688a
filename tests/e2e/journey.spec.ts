// The whole first-use journey: sign up, add a contact, a video call with media both
// ways, in-call controls, hang up, history, sign out and sign back in.
import {
  armFirstFrameProbe,
  callSection,
  contactItem,
  durationsIn,
  expect,
  historyRowWith,
  readPairProbe,
  startPairProbe,
  mediaFlowing,
  newContext,
  reportFirstFrame,
  sentTracks,
  test,
  uniqueEmail,
} from "./fixtures";

test("sign up, add a contact, video call with media both ways, history, sign out and in", async ({ browser, baseURL, users }, testInfo) => {
  // --- Alice signs up through the form --------------------------------------------------
  const { context: aliceContext, page: alice } = await newContext(browser, baseURL);
  users.track(aliceContext);
  const aliceEmail = uniqueEmail("Alice");
  const alicePassword = "alice-password-1";
  await alice.goto("/signup");
  await alice.getByLabel("Name", { exact: true }).fill("Alice");
  await alice.getByLabel("Email", { exact: true }).fill(aliceEmail);
  await alice.getByLabel("Password", { exact: true }).fill(alicePassword);
  await alice.getByRole("button", { name: "Create account", exact: true }).click();
  await alice.waitForURL((url) => url.pathname === "/");
  await expect(alice.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();

  // --- Bob (seeded through the API) is on his contacts page ------------------------------
  const bob = await users.create("Bob");
  await bob.page.goto("/");
  await expect(bob.page.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();

  // --- Alice adds Bob by email; Bob accepts the request live -----------------------------
  await alice.getByLabel("Contact email", { exact: true }).fill(bob.email);
  await alice.getByRole("button", { name: "Add contact", exact: true }).click();
  await expect(alice.getByRole("status").filter({ hasText: /\S/ }).first()).toBeVisible();
  await bob.page.getByRole("button", { name: "Accept request from Alice", exact: true }).click();
  await expect(contactItem(alice, "Bob")).toContainText("Online");
  await expect(contactItem(bob.page, "Alice")).toContainText("Online");

  // --- Alice calls Bob (video) -------------------------------------------------------------
  await armFirstFrameProbe(alice, { recordAccept: false });
  await armFirstFrameProbe(bob.page, { recordAccept: true });
  await contactItem(alice, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const outgoing = alice.getByRole("dialog", { name: "Outgoing call", exact: true });
  await expect(outgoing).toContainText("Calling Bob");
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  await expect(incoming).toContainText(/video call/i);
  await incoming.getByRole("button", { name: "Accept", exact: true }).click();

  const aliceCall = callSection(alice, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall).toBeVisible();
  await expect(bobCall).toBeVisible();
  await expect(outgoing).toBeHidden();
  await expect(incoming).toBeHidden();
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(aliceCall.getByLabel("Your video", { exact: true })).toBeVisible();
  await expect(bobCall.getByLabel("Your video", { exact: true })).toBeVisible();

  // The test reads Bob's selected pair from getStats once a second for the rest of the call.
  await startPairProbe(bob.page);
  await reportFirstFrame(testInfo, bob.page, { "callee (Bob)": bob.page, "caller (Alice)": alice });
  await mediaFlowing(alice, "video", "Alice");
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice, "audio", "Alice");
  await mediaFlowing(bob.page, "audio", "Bob");

  // --- In-call controls: they change the button and really stop sending ---------------------
  await aliceCall.getByRole("button", { name: "Mute microphone", exact: true }).click();
  await expect(aliceCall.getByRole("button", { name: "Unmute microphone", exact: true })).toBeVisible();
  await expect
    .poll(async () => (await sentTracks(alice)).filter((t) => t.kind === "audio" && t.enabled).length, {
      message: "after Mute microphone Alice sends no enabled audio track",
    })
    .toBe(0);
  await aliceCall.getByRole("button", { name: "Turn camera off", exact: true }).click();
  await expect(aliceCall.getByRole("button", { name: "Turn camera on", exact: true })).toBeVisible();
  await expect
    .poll(async () => (await sentTracks(alice)).filter((t) => t.kind === "video" && t.enabled).length, {
      message: "after Turn camera off Alice sends no enabled video track",
    })
    .toBe(0);

  // --- The call timer runs -------------------------------------------------------------------
  // (Up to 0:04: the call lasts long enough for the once-a-second quality
  // sampler and the pair probe to have several readings, checked below.)
  const timer = aliceCall.getByRole("timer");
  await expect(timer).toHaveText(/^\s*\d+:\d\d\s*$/);
  await expect
    .poll(async () => durationsIn(await timer.innerText())[0] ?? -1, { message: "the call timer reaches 0:04", timeout: 10_000 })
    .toBeGreaterThanOrEqual(4);
  const pairs = await readPairProbe(bob.page);
  expect(pairs.length, "getStats gave Bob's selected pair").toBeGreaterThan(0);

  // --- Bob hangs up: the call screen goes away on both sides ---------------------------------
  await bobCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(bobCall).toBeHidden();
  await expect(aliceCall).toBeHidden();
  // The end-of-call sheet says how the call went, on the path getStats saw.
  const path = pairs.at(-1)!.path === "direct" ? "Direct" : "Relayed (TURN)";
  const ended = bob.page.getByTestId("ended-quality");
  await expect(ended).toContainText("Good connection");
  await expect(ended).toContainText(path);

  // --- History on both sides ---------------------------------------------------------------------
  for (const [page, other, direction] of [
    [alice, "Bob", "Outgoing"],
    [bob.page, "Alice", "Incoming"],
  ] as const) {
    const row = await historyRowWith(page, other);
    await expect(row).toContainText(direction);
    await expect(row).toContainText("Video");
    await expect(row).toContainText("Completed");
    const durations = durationsIn(await row.innerText());
    expect(durations.some((s) => s >= 2 && s <= 120), `a m:ss duration of 0:02–2:00 in the ${direction} row: "${await row.innerText()}"`).toBe(true);
  }

  // --- Bob's history: the call's quality details match what getStats said during the call ------
  const quality = bob.page.getByRole("button", { name: "Call quality with Alice: Good connection. Show details", exact: true });
  // The row's "Duration m:ss" (its text also has the time of day, h:mm, which durationsIn would read too).
  const rowText = await bob.page.getByRole("table").getByRole("row").filter({ has: quality }).innerText();
  const lasted = durationsIn(/Duration\s+(\d+:\d\d)/.exec(rowText)?.[1] ?? "")[0]!;
  expect(lasted, `the call's duration in "${rowText}"`).toBeGreaterThanOrEqual(2);
  await quality.click();
  const details = bob.page.getByRole("dialog", { name: "Call quality", exact: true });
  const table = details.getByTestId("quality-details");
  const cells = async (row: string) => table.getByRole("row").filter({ has: bob.page.getByRole("rowheader", { name: row, exact: true }) }).getByRole("cell").allInnerTexts();
  await expect.poll(async () => (await cells("Path"))[0], { message: "Bob's path in the details" }).toBe(path);
  // Alice's page sent hers too (she measured the same path).
  await expect.poll(async () => (await cells("Path"))[1], { message: "Alice's path in the details" }).toBe(path);
  // The median of what the test read once a second through the whole call (the probe stopped with the call).
  const sorted = (await readPairProbe(bob.page)).map((p) => p.rttMs).sort((a, b) => a - b);
  const testMedian = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.floor(sorted.length / 2)]!) / 2;
  const shown = Number(/^(\d+) ms$/.exec((await cells("Round trip (typical)"))[0] ?? "")?.[1]);
  expect(Math.abs(shown - testMedian), `details RTT ${shown} ms vs getStats median ${testMedian.toFixed(1)} ms of ${sorted.length} readings`).toBeLessThanOrEqual(
    Math.max(3, testMedian * 0.25),
  );
  // Connected for about as long as the call lasted (its row's duration), sampled once a second.
  const connected = durationsIn((await cells("Connected for"))[0] ?? "")[0]!;
  expect(connected, `connected ${connected} s of a ${lasted} s call`).toBeGreaterThanOrEqual(Math.min(2, lasted));
  expect(connected).toBeLessThanOrEqual(lasted + 2);
  await bob.page.keyboard.press("Escape");
  await expect(details).toBeHidden();
  await expect(quality).toBeFocused();

  // --- Sign out, guarded pages, sign in through the form ----------------------------------------
  await alice.getByRole("button", { name: /^Account menu for / }).click();
  await alice.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await alice.waitForURL((url) => url.pathname === "/signin");
  await alice.goto("/history");
  await alice.waitForURL((url) => url.pathname === "/signin");
  await alice.goto("/");
  await alice.waitForURL((url) => url.pathname === "/signin");

  await alice.getByLabel("Email", { exact: true }).fill(aliceEmail);
  await alice.getByLabel("Password", { exact: true }).fill("not-the-password");
  await alice.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(alice.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();
  expect(new URL(alice.url()).pathname).toBe("/signin");

  await alice.getByLabel("Password", { exact: true }).fill(alicePassword);
  await alice.getByRole("button", { name: "Sign in", exact: true }).click();
  await alice.waitForURL((url) => url.pathname === "/");
  await expect(alice.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();
  await expect(contactItem(alice, "Bob")).toBeVisible();
});
