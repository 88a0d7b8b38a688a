// Calls through TURN, against the run's real coturn (tests/e2e/global-setup.ts):
//   - both browsers forced to relay (iceTransportPolicy "relay"): the call connects,
//     getStats() on both sides shows a relay candidate on the selected pair, and
//     media flows; each side used a credential signed for its own user;
//   - an expired credential is refused by coturn (401, no relay candidate) while a
//     valid one, signed the same way, gets a relay candidate;
//   - with TURN configured but not forced, a call on loopback still goes direct.
import type { Page } from "@playwright/test";
import { turnCredential } from "../../server/turn";
import { readCoturnLog } from "./coturn";
import { TURN_SECRET, TURN_URL } from "./constants";
import {
  armFirstFrameProbe,
  callSection,
  contactItem,
  expect,
  makeContacts,
  mediaFlowing,
  newContext,
  openContactsAndSeeOnline,
  reportFirstFrame,
  test,
  type User,
} from "./fixtures";

type SelectedPair = {
  via: "transport" | "nominated";
  state: string;
  local: { candidateType: string; protocol: string; relayProtocol?: string; url?: string };
  remote: { candidateType: string };
};

/** The selected candidate pair of the page's newest connected peer connection, from getStats(). */
async function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
    if (!pc) return null;
    const stats = await pc.getStats();
    type Entry = Record<string, unknown> & { type: string; id: string };
    const all: Entry[] = [];
    stats.forEach((s: Entry) => void all.push(s));
    const transport = all.find((s) => s.type === "transport" && s.selectedCandidatePairId);
    let pair = transport ? (stats.get(transport.selectedCandidatePairId as string) as Entry | undefined) : undefined;
    const via = pair ? "transport" : "nominated";
    pair ??= all.find((s) => s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded");
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId as string) as Entry | undefined;
    const remote = stats.get(pair.remoteCandidateId as string) as Entry | undefined;
    return {
      via,
      state: String(pair.state),
      local: {
        candidateType: String(local?.candidateType),
        protocol: String(local?.protocol),
        relayProtocol: local?.relayProtocol as string | undefined,
        url: local?.url as string | undefined,
      },
      remote: { candidateType: String(remote?.candidateType) },
    };
  });
}

/** The TURN entry the app configured on the page's newest peer connection. */
async function configuredTurn(page: Page): Promise<{ policy: string; username?: string; urls: string[] } | null> {
  return page.evaluate(() => {
    const pc = (window.__pcs ?? []).at(-1);
    if (!pc) return null;
    const config = pc.getConfiguration();
    const turn = (config.iceServers ?? []).find((s) => [s.urls].flat().some((u) => u.startsWith("turn")));
    return { policy: config.iceTransportPolicy ?? "all", username: turn?.username, urls: turn ? [turn.urls].flat() : [] };
  });
}

async function call(alice: User, bob: User, { measure }: { measure: boolean }) {
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  if (measure) {
    await armFirstFrameProbe(alice.page, { recordAccept: false });
    await armFirstFrameProbe(bob.page, { recordAccept: true });
  }
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  await expect(callSection(alice.page, "Bob").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(callSection(bob.page, "Alice").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
}

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach("coturn log", { body: readCoturnLog(process.env.DIALTONE_E2E_COTURN_LOG), contentType: "text/plain" });
  }
});

test("a call forced through the TURN relay: relay candidates selected on both sides, media both ways", async ({ users }, testInfo) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  // The app's diagnostics hook: PeerSession is created with iceTransportPolicy "relay".
  for (const u of [alice, bob]) {
    await u.context.addInitScript(() => {
      (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy = "relay";
    });
  }
  await call(alice, bob, { measure: true });
  await reportFirstFrame(testInfo, bob.page, { "callee (Bob)": bob.page, "caller (Alice)": alice.page });
  await mediaFlowing(alice.page, "video", "Alice");
  await mediaFlowing(bob.page, "video", "Bob");
  await mediaFlowing(alice.page, "audio", "Alice");
  await mediaFlowing(bob.page, "audio", "Bob");

  for (const [who, u] of [["Alice", alice], ["Bob", bob]] as const) {
    const pair = await selectedPair(u.page);
    expect(pair, `${who}: a selected candidate pair in getStats()`).not.toBeNull();
    expect(pair!.local.candidateType, `${who}: the selected pair's local candidate (${JSON.stringify(pair)})`).toBe("relay");
    expect(pair!.local.url ?? "", `${who}: allocated on the run's coturn`).toContain(TURN_URL.split("?")[0]!);
    testInfo.annotations.push({ type: "selected-pair", description: `${who}: ${JSON.stringify(pair)}` });

    // The server issued this user a credential of their own, and coturn saw it.
    const turn = await configuredTurn(u.page);
    expect(turn?.policy, `${who}: iceTransportPolicy`).toBe("relay");
    expect(turn?.urls).toEqual([TURN_URL]);
    expect(turn?.username ?? "", `${who}: TURN username is <expiry>:<own user id>`).toMatch(new RegExp(`^\\d{10}:${u.id}$`));
    const expiry = Number(turn!.username!.split(":")[0]);
    expect(expiry - Date.now() / 1000, `${who}: expires in about TURN_TTL_SECONDS (3600)`).toBeGreaterThan(3000);
    const log = readCoturnLog(process.env.DIALTONE_E2E_COTURN_LOG);
    expect(log, `${who}: coturn allocated a relay for this username`).toContain(`user <${turn!.username}>: incoming packet ALLOCATE processed, success`);
  }
});

test("coturn refuses an expired credential (401, no relay) and accepts a valid one signed the same way", async ({ browser, baseURL, users }) => {
  const { context, page } = await newContext(browser, baseURL);
  users.track(context);
  await page.goto("/signin");
  // Signed in Node with the run's secret; only the expiry differs.
  const expired = turnCredential(TURN_SECRET, "probe-expired", 60, Date.now() - 120_000);
  const valid = turnCredential(TURN_SECRET, "probe-valid", 60);

  const gather = (server: { username: string; credential: string }) =>
    page.evaluate(
      async ({ url, username, credential }) => {
        const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username, credential }], iceTransportPolicy: "relay" });
        const relays: string[] = [];
        const errors: { errorCode: number; errorText: string; url: string }[] = [];
        pc.addEventListener("icecandidate", (e) => {
          if (e.candidate?.type === "relay") relays.push(e.candidate.candidate);
        });
        pc.addEventListener("icecandidateerror", (e) => {
          const err = e as RTCPeerConnectionIceErrorEvent;
          errors.push({ errorCode: err.errorCode, errorText: err.errorText, url: err.url });
        });
        pc.createDataChannel("probe");
        await pc.setLocalDescription(await pc.createOffer());
        // Gathering completes (or 5 s pass: an error may leave it unfinished).
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 5_000);
          pc.addEventListener("icegatheringstatechange", () => {
            if (pc.iceGatheringState === "complete") {
              clearTimeout(t);
              resolve();
            }
          });
        });
        const gatheringState = pc.iceGatheringState;
        pc.close();
        return { relays, errors, gatheringState };
      },
      { url: TURN_URL, ...server },
    );

  const refused = await gather(expired);
  expect(refused.relays, `expired credential (${expired.username}): no relay candidate`).toEqual([]);
  expect(
    refused.errors.map((e) => e.errorCode),
    `expired credential: icecandidateerror 401 (${JSON.stringify(refused.errors)})`,
  ).toContain(401);

  const accepted = await gather(valid);
  expect(accepted.relays.length, `valid credential (${valid.username}): a relay candidate (${JSON.stringify(accepted)})`).toBeGreaterThan(0);
  expect(accepted.relays[0]).toContain(" typ relay ");
  expect(accepted.errors.filter((e) => e.errorCode === 401), "valid credential: no 401").toEqual([]);

  const log = readCoturnLog(process.env.DIALTONE_E2E_COTURN_LOG);
  expect(log, "coturn allocated for the valid username").toContain(`user <${valid.username}>: incoming packet ALLOCATE processed, success`);
  expect(log, "coturn never allocated for the expired username").not.toContain(`user <${expired.username}>: incoming packet ALLOCATE processed, success`);
});

test("with TURN configured but not forced, a loopback call still connects directly (host candidates)", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  await call(alice, bob, { measure: false });
  await mediaFlowing(bob.page, "video", "Bob");
  for (const [who, u] of [["Alice", alice], ["Bob", bob]] as const) {
    const turn = await configuredTurn(u.page);
    expect(turn?.policy, `${who}: iceTransportPolicy`).toBe("all");
    expect(turn?.username ?? "", `${who}: the TURN server was offered`).toMatch(new RegExp(`:${u.id}$`));
    const pair = await selectedPair(u.page);
    expect(pair?.local.candidateType, `${who}: selected local candidate (${JSON.stringify(pair)})`).toBe("host");
  }
});
