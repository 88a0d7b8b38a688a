// While a call rings, the caller's side prepares its peer connection (camera
// attached, offer made, ICE gathered) and holds it: nothing of it reaches the
// callee before they accept, and the callee makes no peer connection. Accept
// sends the prepared offer, and that same connection carries the call. A call
// that ends unanswered closes it and turns the camera off
// (app/call/live-call.ts, docs/performance.md B2).
import type { Page } from "@playwright/test";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, test, type User } from "./fixtures";

/** The page's peer connections, as the state a spec can read. */
function peerConnections(page: Page) {
  return page.evaluate(() =>
    (window.__pcs ?? []).map((pc) => ({
      signaling: pc.signalingState,
      gathering: pc.iceGatheringState,
      connection: pc.connectionState,
      localCandidates: (pc.localDescription?.sdp.match(/^a=candidate:/gm) ?? []).length,
      liveSenders: pc.getSenders().filter((s) => s.track && s.track.readyState === "live").length,
    })),
  );
}

async function alicePhonesBob(users: { create: (name: string) => Promise<User> }) {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  // Every signaling frame Bob's page receives, from a page loaded after this.
  const toBob: string[] = [];
  bob.page.on("websocket", (ws) => ws.on("framereceived", (f) => toBob.push(typeof f.payload === "string" ? f.payload : "")));
  await bob.page.reload();
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  return { alice, bob, outgoing, incoming, toBob };
}

test("while it rings the caller's offer is made and held; Accept sends it and that connection carries the call", async ({ users }) => {
  const { alice, bob, incoming, toBob } = await alicePhonesBob(users);

  // Alice's side, ringing: one peer connection with its camera attached, its
  // offer set locally and ICE gathered.
  await expect
    .poll(() => peerConnections(alice.page), { message: "the caller's peer connection is prepared while it rings", timeout: 10_000 })
    .toEqual([expect.objectContaining({ signaling: "have-local-offer", gathering: "complete", connection: "new", liveSenders: 2 })]);
  expect((await peerConnections(alice.page))[0]!.localCandidates, "ICE candidates gathered while it rings").toBeGreaterThan(0);
  // Bob's side: ringing, no peer connection, and none of Alice's offer or candidates.
  await bob.page.waitForTimeout(500);
  expect(await peerConnections(bob.page)).toEqual([]);
  expect(toBob.filter((f) => f.includes("signal:")), "nothing of the caller's session reaches the callee before Accept").toEqual([]);

  await incoming.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(alice.page, "Bob")).toBeVisible();
  await expect(callSection(bob.page, "Alice")).toBeVisible();
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "video", "Alice");
  expect(toBob.some((f) => f.includes("signal:description") && f.includes('"offer"')), "the offer reached Bob after Accept").toBe(true);
  // The call runs on the connection prepared while it rang: no second one.
  const pcs = await peerConnections(alice.page);
  expect(pcs).toHaveLength(1);
  expect(pcs[0]!.connection).toBe("connected");
});

test("a call cancelled while it rings closes the prepared connection and turns the caller's camera off", async ({ users }) => {
  const { alice, outgoing, incoming } = await alicePhonesBob(users);
  await expect.poll(async () => (await peerConnections(alice.page))[0]?.signaling, { timeout: 10_000 }).toBe("have-local-offer");

  await outgoing.getByRole("button", { name: "Cancel call", exact: true }).click();
  await expect(incoming).toBeHidden();
  await expect
    .poll(() => peerConnections(alice.page), { message: "closed, and no camera or microphone track left live" })
    .toEqual([expect.objectContaining({ signaling: "closed", liveSenders: 0 })]);
});
