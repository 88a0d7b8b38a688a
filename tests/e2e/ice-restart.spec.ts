// ICE restart: the network path of a running call breaks (every UDP packet to
// or from Alice's selected local port is dropped with nftables inside the
// test's network namespace). The app notices, shows "Reconnecting…", restarts
// ICE through perfect negotiation, and media flows again on a new path. The
// same through the TURN relay once the call's TURN credentials have expired:
// the restart first asks the server for new ones.
import { execFileSync } from "node:child_process";
import type { Locator, Page } from "@playwright/test";
import { turnCredential } from "../../server/turn";
import { TURN_SECRET } from "./constants";
import { readCoturnLog } from "./coturn";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, sampleInbound, test, type User } from "./fixtures";

type Path = { pairId: string; localPort: number; protocol: string };

async function selectedPath(page: Page): Promise<Path | null> {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
    if (!pc) return null;
    const stats = await pc.getStats();
    let pairId = "";
    stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = stats.get(pairId) as { localCandidateId?: string } | undefined;
    const local = pair?.localCandidateId ? (stats.get(pair.localCandidateId) as { port?: number; protocol?: string } | undefined) : undefined;
    return pairId && local?.port ? { pairId, localPort: local.port, protocol: local.protocol ?? "" } : null;
  });
}

const TABLE = "dialtone_e2e";
function nft(...args: string[]) {
  execFileSync("nft", args, { stdio: "pipe" });
}

test.afterEach(() => {
  try {
    nft("delete", "table", "inet", TABLE);
  } catch {
    // not created
  }
});

/** Drops every UDP packet to or from `port` in the test's network namespace (the path breaks). */
function dropUdpPort(port: number | undefined): void {
  nft("add", "table", "inet", TABLE);
  nft("add", "chain", "inet", TABLE, "in", "{ type filter hook input priority 0; policy accept; }");
  nft("add", "rule", "inet", TABLE, "in", "udp", "dport", String(port), "drop");
  nft("add", "rule", "inet", TABLE, "in", "udp", "sport", String(port), "drop");
}

/** Alice video-calls Bob, he accepts; returns Alice's call screen once media flows. */
async function videoCall(alice: User, bob: User): Promise<Locator> {
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  const aliceCall = callSection(alice.page, "Bob");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(bob.page, "video", "Bob before the break");
  return aliceCall;
}

/** After the break: Reconnecting…, then Connected on a new path, and media both ways again. */
async function restarted(alice: User, bob: User, aliceCall: Locator, before: Path | null): Promise<Path | null> {
  await expect(aliceCall.getByText("Reconnecting…", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 30_000 });
  const after = await selectedPath(alice.page);
  expect(after, "a selected pair after the restart").not.toBeNull();
  expect(after?.localPort, "the new path avoids the blocked port").not.toBe(before?.localPort);
  // Video resumes with the next key frame on the new path (it may take a moment after "Connected").
  for (const [who, page] of [["Bob", bob.page], ["Alice", alice.page]] as const) {
    const frames = (await sampleInbound(page, "video")).framesDecoded;
    await expect.poll(async () => (await sampleInbound(page, "video")).framesDecoded, { message: `${who} decodes video again`, timeout: 10_000 }).toBeGreaterThan(frames);
  }
  await mediaFlowing(bob.page, "video", "Bob after the ICE restart");
  await mediaFlowing(alice.page, "video", "Alice after the ICE restart");
  return after;
}

test("a broken network path triggers an ICE restart: Reconnecting…, a new candidate pair, media again", async ({ users }) => {
  test.skip(process.env.DIALTONE_E2E_NETNS !== "1", "needs the e2e run's own network namespace (run as root through npm run test:e2e)");
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  const aliceCall = await videoCall(alice, bob);

  const before = await selectedPath(alice.page);
  expect(before, "Alice has a selected candidate pair").not.toBeNull();
  expect(before?.protocol).toBe("udp");
  dropUdpPort(before?.localPort);

  const after = await restarted(alice, bob, aliceCall, before);
  expect(after?.pairId, "the selected candidate pair changed").not.toBe(before?.pairId);
});

test("a relayed call whose TURN credentials have expired: the ICE restart gets new ones from the server and reconnects through the relay", async ({ users }, testInfo) => {
  test.skip(process.env.DIALTONE_E2E_NETNS !== "1", "needs the e2e run's own network namespace (run as root through npm run test:e2e)");
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  // Both sides relay-only (the app's diagnostics hook), as on a network where only TURN gets through.
  for (const u of [alice, bob]) {
    await u.context.addInitScript(() => {
      (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy = "relay";
    });
  }
  const aliceCall = await videoCall(alice, bob);

  // Time passes: each page now holds what its call started with once
  // TURN_TTL_SECONDS have gone by, a credential past its expiry (signed
  // with the run's secret for the page's own user, expired a minute ago).
  // The relays already allocated keep working (coturn checks a credential
  // when it allocates), so the call goes on until the path breaks.
  const expired: Record<string, string> = {};
  for (const u of [alice, bob]) {
    const { username, credential } = turnCredential(TURN_SECRET, u.id, 60, Date.now() - 120_000);
    expired[u.id] = username;
    await u.page.evaluate(
      ({ username, credential }) => {
        const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1)!;
        const config = pc.getConfiguration();
        pc.setConfiguration({ ...config, iceServers: (config.iceServers ?? []).map((s) => (s.username ? { ...s, username, credential } : s)) });
      },
      { username, credential },
    );
  }

  // Alice's relay (the selected local candidate is the relayed address on coturn) stops working.
  const before = await selectedPath(alice.page);
  expect(before, "Alice has a selected candidate pair").not.toBeNull();
  dropUdpPort(before?.localPort);
  const after = await restarted(alice, bob, aliceCall, before);

  // The new relays were allocated with credentials the server issued after the
  // break (call:renew-ice), each for its own user; the expired ones never got one.
  const log = readCoturnLog(process.env.DIALTONE_E2E_COTURN_LOG);
  for (const [who, u] of [["Alice", alice], ["Bob", bob]] as const) {
    const username = await u.page.evaluate(() => {
      const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1)!;
      return (pc.getConfiguration().iceServers ?? []).find((s) => s.username)?.username ?? "";
    });
    expect(username, `${who}: a renewed credential for their own user`).toMatch(new RegExp(`^\\d{10}:${u.id}$`));
    expect(Number(username.split(":")[0]), `${who}: valid for about TURN_TTL_SECONDS from now`).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(log, `${who}: coturn allocated with the renewed credential`).toContain(`user <${username}>: incoming packet ALLOCATE processed, success`);
    expect(log, `${who}: coturn never allocated with the expired one`).not.toContain(`user <${expired[u.id]}>: incoming packet ALLOCATE processed, success`);
  }
  testInfo.annotations.push({ type: "relay-ports", description: `Alice ${before?.localPort} → ${after?.localPort}` });
});
