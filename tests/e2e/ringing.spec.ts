// While a call rings, the caller's side prepares its peer connection (camera
// attached, offer made, ICE gathered) and holds it: nothing of it reaches the
// callee before they accept, and the callee makes no peer connection. Accept
// sends the prepared offer, and that same connection carries the call. A call
// that ends unanswered closes it and turns the camera off
// (app/call/live-call.ts, docs/performance.md B2).
//
// The server acks an invite once the ring is written; a callee quick enough
// can answer or decline before that ack reaches the caller. The last two
// tests hold the ack back in the caller's websocket (Playwright's
// routeWebSocket, between the page and the real server) until the callee's
// answer has arrived: the caller must still connect, or show Declined and turn
// its camera off.
import type { Page, WebSocketRoute } from "@playwright/test";
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

/**
 * Routes the page's signaling websocket through the test and holds back the
 * ack of its next invite (socket.io ACK packet of a ringing call) until
 * `release()`. Reloads the page so its socket goes through the route.
 */
async function holdInviteAck(page: Page) {
  let held: string | null = null;
  let holding = true;
  let toPage: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    toPage = ws;
    server.onMessage((m) => {
      if (holding && typeof m === "string" && /^43\/signaling,\d+\[\{"ok":true,"call":\{[^]*"status":"ringing"/.test(m)) {
        held = m;
        return;
      }
      ws.send(m);
    });
  });
  await page.reload();
  return {
    held: () => held !== null,
    release: () => {
      holding = false;
      if (held !== null) toPage?.send(held);
      held = null;
    },
  };
}

async function alicePhonesBob(users: { create: (name: string) => Promise<User> }, { holdAck = false } = {}) {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const ack = holdAck ? await holdInviteAck(alice.page) : null;
  // Every signaling frame Bob's page receives, from a page loaded after this.
  const toBob: string[] = [];
  bob.page.on("websocket", (ws) => ws.on("framereceived", (f) => toBob.push(typeof f.payload === "string" ? f.payload : "")));
  await bob.page.reload();
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  return { alice, bob, outgoing, incoming, toBob, ack };
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

/** Bob presses `button` while Alice's invite ack is held back; then the ack is let through. */
async function answerBeforeTheAck(users: { create: (name: string) => Promise<User> }, button: "Accept" | "Decline") {
  const rang = await alicePhonesBob(users, { holdAck: true });
  await expect.poll(() => rang.ack!.held(), { message: "the invite ack is held back" }).toBe(true);
  await rang.incoming.getByRole("button", { name: button, exact: true }).click();
  await expect(rang.incoming).toBeHidden();
  // Bob's answer has reached Alice's page by now; then her invite ack.
  await rang.alice.page.waitForTimeout(300);
  rang.ack!.release();
  return rang;
}

test("the callee declines before the caller's invite ack arrives: the caller sees Declined and its camera goes off", async ({ users }) => {
  const { alice, outgoing } = await answerBeforeTheAck(users, "Decline");
  await expect(outgoing).toContainText("Declined");
  await expect
    .poll(() => peerConnections(alice.page), { message: "the connection prepared after the ack is closed, no track left live" })
    .toEqual([expect.objectContaining({ signaling: "closed", liveSenders: 0 })]);
});

test("the callee accepts before the caller's invite ack arrives: the call connects with media both ways", async ({ users }) => {
  const { alice, bob } = await answerBeforeTheAck(users, "Accept");
  await expect(callSection(alice.page, "Bob")).toBeVisible();
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "video", "Alice");
});
