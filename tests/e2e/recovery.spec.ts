// Calls survive a flaky signaling connection and a page reload; a connection
// that stays away past the grace period ends the call as Failed for both.
// (e2e server: CALL_GRACE_SECONDS=5, see playwright.config.ts)
import type { Page, WebSocketRoute } from "@playwright/test";
import { CALL_GRACE_SECONDS } from "./constants";
import { callSection, contactItem, expect, historyRowWith, makeContacts, mediaFlowing, openContactsAndSeeOnline, sampleInbound, test, type User } from "./fixtures";

/**
 * A switch for one page's signaling connection: every websocket of the page
 * goes through Playwright's proxy, so the test can cut it (as a network blip
 * would) and refuse reconnections until it is switched back on.
 */
async function signalingSwitch(page: Page) {
  let up = true;
  const open: { client: WebSocketRoute; server: WebSocketRoute }[] = [];
  const held: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (client) => {
    // While the network is "down", a reconnection attempt hangs (as a SYN to an
    // unreachable host would) until the network is back.
    if (up) open.push({ client, server: client.connectToServer() });
    else held.push(client);
  });
  return {
    down: async () => {
      up = false;
      for (const { client, server } of open.splice(0)) {
        await server.close().catch(() => undefined);
        await client.close({ code: 4000, reason: "network down" }).catch(() => undefined);
      }
    },
    up: () => {
      up = true;
      for (const client of held.splice(0)) open.push({ client, server: client.connectToServer() });
    },
  };
}

/** Alice and Bob become contacts and Alice video-calls Bob: his ring dialog. */
async function ring(alice: User, bob: User) {
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  return bob.page.getByRole("alertdialog");
}

async function inCall(alice: User, bob: User) {
  await (await ring(alice, bob)).getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(alice.page, "Bob").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(callSection(bob.page, "Alice").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
}

test("signaling drops for 2 s mid-call: media keeps flowing, the other side is told, the call goes on", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  const bobSignaling = await signalingSwitch(bob.page);
  await inCall(alice, bob);

  // The blip lasts 2 s from the cut, whatever the checks during it take: the
  // server's grace period here is 5 s, and a blip that grew towards it (as a
  // full mediaFlowing check plus a fixed 2 s wait once did, ~4.7 s on a busy
  // machine) races the reconnection against the end of the call.
  await bobSignaling.down();
  const downAt = Date.now();
  const before = await sampleInbound(alice.page, "video");
  await expect(callSection(alice.page, "Bob").getByText("Waiting for Bob to reconnect…")).toBeVisible({ timeout: 5_000 });
  // Peer-to-peer media does not depend on the signaling server: it keeps arriving during the cut.
  await alice.page.waitForTimeout(Math.max(0, 1_500 - (Date.now() - downAt)));
  const during = await sampleInbound(alice.page, "video");
  expect(during.bytesReceived, "Alice's inbound video bytes rise while Bob's signaling is down").toBeGreaterThan(before.bytesReceived);
  expect(during.framesDecoded, "Alice decodes video frames while Bob's signaling is down").toBeGreaterThan(before.framesDecoded);
  await bob.page.waitForTimeout(Math.max(0, 2_000 - (Date.now() - downAt)));
  bobSignaling.up();
  await expect(callSection(alice.page, "Bob").getByText("Waiting for Bob to reconnect…")).toBeHidden({ timeout: 10_000 });

  // Past the grace period (counted from the cut, when the server saw Bob's socket
  // close, with 1.5 s to spare), the call is still on and media still flows both ways.
  await alice.page.waitForTimeout(Math.max(0, downAt + CALL_GRACE_SECONDS * 1000 + 1_500 - Date.now()));
  await expect(callSection(bob.page, "Alice")).toBeVisible();
  await mediaFlowing(alice.page, "video", "Alice after the blip");
  await mediaFlowing(bob.page, "video", "Bob after the blip");
  await callSection(alice.page, "Bob").getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(bob.page, "Alice")).toBeHidden();
  await expect(await historyRowWith(bob.page, "Alice")).toContainText("Completed");
});

test("a page reload during a call lands back in the call with media both ways", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await inCall(alice, bob);

  await bob.page.reload();
  const bobCall = callSection(bob.page, "Alice");
  await expect(bobCall).toBeVisible({ timeout: 10_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(bob.page, "video", "Bob after reloading");
  await mediaFlowing(alice.page, "video", "Alice after Bob reloaded");

  // The caller reloading works the same way.
  await alice.page.reload();
  await expect(callSection(alice.page, "Bob").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(alice.page, "video", "Alice after reloading");
  await mediaFlowing(bob.page, "video", "Bob after Alice reloaded");
  await bobCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(alice.page, "Bob")).toBeHidden();
});

test("the caller reloads while it rings: the ring comes back on that tab, outlives the grace period, and the answer connects with media", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  const bobRing = await ring(alice, bob);
  await expect(bobRing).toBeVisible();

  const reloadedAt = Date.now();
  await alice.page.reload();
  const aliceRing = alice.page.getByRole("dialog", { name: "Outgoing call" });
  await expect(aliceRing.getByText("Calling Bob…")).toBeVisible({ timeout: 10_000 });
  await expect(aliceRing.getByRole("button", { name: "Cancel call", exact: true })).toBeVisible();
  // Past the grace period of the socket the reload closed, it still rings (the
  // new tab took it back). The ring itself lasts RING_TIMEOUT_SECONDS (15 s).
  await alice.page.waitForTimeout(Math.max(0, reloadedAt + CALL_GRACE_SECONDS * 1000 + 700 - Date.now()));
  await expect(bobRing).toBeVisible();
  await expect(aliceRing).toBeVisible();

  await bobRing.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(alice.page, "Bob").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(aliceRing).toBeHidden();
  await mediaFlowing(alice.page, "video", "Alice after reloading while it rang");
  await mediaFlowing(bob.page, "video", "Bob after Alice reloaded while it rang");
  await callSection(alice.page, "Bob").getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(callSection(bob.page, "Alice")).toBeHidden();
});

test("a participant gone for longer than the grace period: the call ends as Failed for both", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  const bobSignaling = await signalingSwitch(bob.page);
  await inCall(alice, bob);

  await bobSignaling.down();
  await expect(callSection(alice.page, "Bob")).toBeHidden({ timeout: 15_000 });
  await expect(alice.page.getByRole("dialog", { name: "Call with Bob ended", exact: true })).toContainText("The call was lost");
  bobSignaling.up();
  await expect(callSection(bob.page, "Alice")).toBeHidden({ timeout: 15_000 });
  await expect(await historyRowWith(alice.page, "Bob")).toContainText("Failed");
  await expect(await historyRowWith(bob.page, "Alice")).toContainText("Failed");
});
