// Chat in a call (app/call/chat-channel.ts): messages go both ways over the
// peer connection's own data channel, not through our server: no signaling
// frame either page sends or receives while they chat carries one, and the
// data channel's own counters (getStats "data-channel") count them. A
// message with markup or a javascript: link stays text; http(s) links are
// links that open apart from the call. The chat button counts unread
// messages while the panel is closed.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { callSection, contactItem, expect, makeContacts, openContactsAndSeeOnline, test } from "./fixtures";

declare global {
  interface Window {
    __xss?: number;
  }
}

/** Every socket.io frame the page sends or receives from now on (attach before the page loads). */
function framesOf(page: Page) {
  const frames: string[] = [];
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => frames.push(`> ${typeof f.payload === "string" ? f.payload : "(binary)"}`));
    ws.on("framereceived", (f) => frames.push(`< ${typeof f.payload === "string" ? f.payload : "(binary)"}`));
  });
  return frames;
}

/** Socket.IO event and ack frames (`42…`, `43…`), not the engine's pings. */
const events = (frames: string[]) => frames.filter((f) => /^[<>] 4[23]/.test(f));

/** The chat data channel's counters in the page's connected peer connection. */
function dataChannelStats(page: Page) {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
    let out = { label: "", state: "", messagesSent: 0, messagesReceived: 0 };
    (await pc?.getStats())?.forEach((s: { type: string; label?: string; state?: string; messagesSent?: number; messagesReceived?: number }) => {
      if (s.type === "data-channel" && s.label === "chat") out = { label: s.label, state: s.state ?? "", messagesSent: s.messagesSent ?? 0, messagesReceived: s.messagesReceived ?? 0 };
    });
    return out;
  });
}

test("chat both ways over the data channel (the server relays none of it), markup stays text, unread count", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await makeContacts(alice, bob);
  const aliceFrames = framesOf(alice.page);
  const bobFrames = framesOf(bob.page);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });

  // Alice opens the chat: it says where messages go and how long they are kept.
  await aliceCall.getByRole("button", { name: "Chat", exact: true }).click();
  const alicePanel = aliceCall.getByRole("complementary", { name: "Chat", exact: true });
  await expect(alicePanel).toContainText("Messages go straight to Bob and are kept for this call only.");
  const aliceInput = alicePanel.getByRole("textbox", { name: "Message", exact: true });
  await expect(aliceInput).toBeEnabled({ timeout: 10_000 });
  await expect(aliceInput).toBeFocused();
  const aliceEventsBefore = events(aliceFrames).length;
  const bobEventsBefore = events(bobFrames).length;

  // --- Alice → Bob, twice, while Bob's panel is closed: his button counts them ----------------
  const hello = `Hello Bob ${Date.now()}`;
  await aliceInput.fill(hello);
  await aliceInput.press("Enter");
  await expect(aliceInput).toHaveValue("");
  await expect(bobCall.getByRole("button", { name: "Chat, 1 unread message", exact: true })).toBeVisible();
  const payload = `<img src=x onerror="window.__xss=1"> <a href="javascript:window.__xss=2">click</a> javascript:window.__xss=3 see https://example.com/page?q=1.`;
  await aliceInput.fill(payload);
  await alicePanel.getByRole("button", { name: "Send", exact: true }).click();
  const bobButton = bobCall.getByRole("button", { name: "Chat, 2 unread messages", exact: true });
  await expect(bobButton).toBeVisible();
  await expect(bobButton).toHaveText("2");

  // --- Bob opens the chat: the count goes, both messages are there, as text ------------------
  await bobButton.click();
  await expect(bobCall.getByRole("button", { name: "Chat", exact: true })).toHaveAttribute("aria-expanded", "true");
  const bobPanel = bobCall.getByRole("complementary", { name: "Chat", exact: true });
  const received = bobPanel.locator("[data-chat-message=them]");
  await expect(received).toHaveCount(2);
  await expect(received.nth(0)).toHaveText(hello);
  await expect(received.nth(1)).toHaveText(payload);
  await expect(bobPanel.locator("img")).toHaveCount(0);
  const links = await received.nth(1).locator("a").evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href"), target: a.getAttribute("target"), rel: a.getAttribute("rel"), text: a.textContent })));
  expect(links, "only the https URL is a link, opened apart from the call").toEqual([
    { href: "https://example.com/page?q=1", target: "_blank", rel: "noopener noreferrer nofollow", text: "https://example.com/page?q=1" },
  ]);
  // Each message says when it was sent / received.
  await expect(bobPanel.locator("time")).toHaveCount(2);
  expect(await bob.page.evaluate(() => window.__xss), "no script of the message ran").toBeUndefined();
  // The open panel, its messages and links pass axe.
  const { violations } = await new AxeBuilder({ page: bob.page }).analyze();
  expect(violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), "axe, chat panel open").toEqual([]);

  // --- Bob → Alice (her panel is open: nothing unread) --------------------------------------
  const reply = `Hi Alice ${Date.now()}`;
  const bobInput = bobPanel.getByRole("textbox", { name: "Message", exact: true });
  await bobInput.fill(reply);
  await bobInput.press("Enter");
  await expect(alicePanel.locator("[data-chat-message=them]")).toHaveText([reply]);
  await expect(alicePanel.locator("[data-chat-message=me]")).toHaveText([hello, payload]);
  await expect(aliceCall.getByRole("button", { name: "Chat", exact: true })).toBeVisible();

  // --- None of it went through the server --------------------------------------------------
  for (const [who, frames, before] of [["Alice", aliceFrames, aliceEventsBefore], ["Bob", bobFrames, bobEventsBefore]] as const) {
    const during = events(frames).slice(before);
    expect(during, `${who}: no signaling event was sent or received while chatting`).toEqual([]);
    expect(frames.filter((f) => f.includes("Hello Bob") || f.includes("Hi Alice") || f.includes("__xss")), `${who}: no frame carries a message`).toEqual([]);
  }
  const aliceDc = await dataChannelStats(alice.page);
  const bobDc = await dataChannelStats(bob.page);
  expect(aliceDc).toMatchObject({ state: "open", messagesSent: 2, messagesReceived: 1 });
  expect(bobDc).toMatchObject({ state: "open", messagesSent: 1, messagesReceived: 2 });

  // Escape closes the panel and focus stays in the call.
  await bobInput.press("Escape");
  await expect(bobPanel).toBeHidden();
});
