// While a call rings, both sides prepare (app/call/live-call.ts,
// docs/performance.md B2, P3★): the caller's peer connection has its camera
// attached, its offer made and ICE gathered; the offer, without candidates,
// goes to the callee's ringing tabs, which apply it, make their answer and
// gather, with no camera. Before Accept nothing of the callee's reaches the
// caller: no answer, no candidate, no STUN check (the callee's ICE agent has
// none of the caller's addresses). Accept sends the prepared answer with the
// accept itself, and those two connections carry the call. A ring that stops
// unanswered (cancelled, declined, missed, answered on another device) closes
// what was prepared and turns the caller's camera off.
//
// The server acks an invite once the ring is written; a callee quick enough
// can answer or decline before that ack reaches the caller. Two tests hold
// the ack back in the caller's websocket (Playwright's routeWebSocket,
// between the page and the real server) until the callee's answer has
// arrived: the caller must still connect, or show Declined and turn its
// camera off.
import type { Page, WebSocketRoute } from "@playwright/test";
import { RING_TIMEOUT_SECONDS } from "./constants";
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
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  return { alice, bob, outgoing, incoming, ack };
}

/** Every socket.io frame a page sends or receives from now on (its page must be loaded after this). */
function framesOf(page: Page) {
  const sent: string[] = [];
  const received: string[] = [];
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => sent.push(typeof f.payload === "string" ? f.payload : ""));
    ws.on("framereceived", (f) => received.push(typeof f.payload === "string" ? f.payload : ""));
  });
  return { sent, received };
}

/** What the page's first peer connection has heard from the other side: remote candidates, STUN checks and bytes. */
function heardFromPeer(page: Page) {
  return page.evaluate(async () => {
    const pc = window.__pcs?.[0];
    if (!pc) return null;
    let remoteCandidates = 0;
    let requestsReceived = 0;
    let responsesReceived = 0;
    let bytesReceived = 0;
    (await pc.getStats()).forEach((r: { type: string; requestsReceived?: number; responsesReceived?: number; bytesReceived?: number }) => {
      if (r.type === "remote-candidate") remoteCandidates++;
      if (r.type === "candidate-pair") {
        requestsReceived += r.requestsReceived ?? 0;
        responsesReceived += r.responsesReceived ?? 0;
      }
      if (r.type === "transport") bytesReceived += r.bytesReceived ?? 0;
    });
    return { remoteCandidates, requestsReceived, responsesReceived, bytesReceived, remoteDescription: pc.remoteDescription?.type ?? null };
  });
}

test("while it rings both sides prepare, nothing of the callee's reaches the caller, and Accept connects those two connections", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const fromBob = framesOf(bob.page);
  const atAlice = framesOf(alice.page);
  await Promise.all([alice.page.reload(), bob.page.reload()]);
  // Bob has a second tab: it rings and prepares too, and stops when the first answers.
  const bobTab2 = await bob.context.newPage();
  await bobTab2.goto("/");
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  await expect(bobTab2.getByRole("alertdialog")).toContainText("Alice");

  // Alice: camera attached, offer made, ICE gathered, nothing connected.
  await expect
    .poll(() => peerConnections(alice.page), { message: "the caller's peer connection is prepared while it rings", timeout: 10_000 })
    .toEqual([expect.objectContaining({ signaling: "have-local-offer", gathering: "complete", connection: "new", liveSenders: 2 })]);
  // Each of Bob's tabs: Alice's offer applied, its answer made, ICE gathered, no camera.
  for (const page of [bob.page, bobTab2]) {
    await expect
      .poll(() => peerConnections(page), { message: "the callee's answer is prepared while it rings, camera off", timeout: 10_000 })
      .toEqual([expect.objectContaining({ signaling: "stable", gathering: "complete", connection: "new", liveSenders: 0 })]);
  }
  const offers = fromBob.received.filter((f) => f.includes('"call:offer"'));
  expect(offers, "Alice's offer reached Bob's tab once").toHaveLength(1);
  expect(offers[0], "without any of Alice's candidates").not.toMatch(/a=candidate|typ host/);

  // A ring of a few seconds: still nothing of Bob's at Alice's.
  await bob.page.waitForTimeout(2_500);
  expect(fromBob.sent.filter((f) => /call:accept|signal:|candidate/.test(f)), "Bob's tab sent nothing of its prepared answer").toEqual([]);
  expect(atAlice.received.filter((f) => /call:accepted|signal:|"answer"/.test(f)), "Alice received nothing of Bob's").toEqual([]);
  expect(await heardFromPeer(alice.page), "Alice's connection has no remote candidate, STUN check or byte from Bob").toEqual({
    remoteCandidates: 0,
    requestsReceived: 0,
    responsesReceived: 0,
    bytesReceived: 0,
    remoteDescription: null,
  });
  expect((await heardFromPeer(bob.page))?.requestsReceived, "and Bob's none from Alice").toBe(0);

  await incoming.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(alice.page, "Bob")).toBeVisible();
  await expect(callSection(bob.page, "Alice")).toBeVisible();
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "video", "Alice");
  const accept = fromBob.sent.find((f) => f.includes('"call:accept"'));
  expect(accept, "the prepared answer went with the accept").toContain('"answer"');
  expect(atAlice.sent.filter((f) => f.includes("signal:description")), "Alice never sent her offer again").toEqual([]);
  // The call runs on the two connections prepared while it rang; Bob's other tab closed its own.
  for (const page of [alice.page, bob.page]) expect(await peerConnections(page)).toEqual([expect.objectContaining({ connection: "connected" })]);
  await expect.poll(() => peerConnections(bobTab2), { message: "the other tab's prepared connection is closed" }).toEqual([expect.objectContaining({ signaling: "closed" })]);
});

test("declining closes the callee's prepared connection; so does a ring that times out", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  const call = contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true });
  const incoming = bob.page.getByRole("alertdialog");
  const outgoing = alice.page.getByRole("dialog", { name: "Outgoing call", exact: true });

  await call.click();
  await expect.poll(() => peerConnections(bob.page), { timeout: 10_000 }).toEqual([expect.objectContaining({ signaling: "stable" })]);
  await incoming.getByRole("button", { name: "Decline", exact: true }).click();
  await expect.poll(() => peerConnections(bob.page), { message: "declined: closed" }).toEqual([expect.objectContaining({ signaling: "closed", liveSenders: 0 })]);
  await expect(outgoing).toContainText("Declined");
  await outgoing.getByRole("button", { name: "Close", exact: true }).click();

  await call.click();
  await expect.poll(() => peerConnections(bob.page), { timeout: 10_000 }).toEqual([expect.objectContaining({ signaling: "closed" }), expect.objectContaining({ signaling: "stable" })]);
  await expect(incoming).toBeHidden({ timeout: (RING_TIMEOUT_SECONDS + 5) * 1000 });
  await expect
    .poll(() => peerConnections(bob.page), { message: "missed: closed, no RTCPeerConnection left open" })
    .toEqual([expect.objectContaining({ signaling: "closed" }), expect.objectContaining({ signaling: "closed" })]);
});

test("a call cancelled while it rings closes both prepared connections and turns the caller's camera off", async ({ users }) => {
  const { alice, bob, outgoing, incoming } = await alicePhonesBob(users);
  await expect.poll(async () => (await peerConnections(alice.page))[0]?.signaling, { timeout: 10_000 }).toBe("have-local-offer");
  await expect.poll(async () => (await peerConnections(bob.page))[0]?.signaling, { timeout: 10_000 }).toBe("stable");

  await outgoing.getByRole("button", { name: "Cancel call", exact: true }).click();
  await expect(incoming).toBeHidden();
  await expect
    .poll(() => peerConnections(alice.page), { message: "closed, and no camera or microphone track left live" })
    .toEqual([expect.objectContaining({ signaling: "closed", liveSenders: 0 })]);
  await expect.poll(() => peerConnections(bob.page), { message: "the callee's prepared connection is closed" }).toEqual([expect.objectContaining({ signaling: "closed" })]);
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
