// Connection quality, live (app/call/stats-sampler.ts, quality.ts,
// quality-adapter.ts):
//   - the indicator's details show the numbers getStats() shows (read at the
//     same moment, within rounding), and "Direct" on a loopback call;
//   - through the run's real coturn (both sides forced to relay) they say
//     "Relayed (TURN)"; then the relayed path from Alice to Bob is capped at
//     250 kbit/s (an htb class with a short byte queue, on Alice's relay port,
//     inside the test's own network namespace: this kernel has no netem):
//     within 10 s the indicator says fair or poor, Alice's sender lowers its
//     resolution or frame rate, Bob's inbound audio bytes rise every second
//     and his video never stops for more than 2 s; once the cap is lifted,
//     Alice sends full resolution again within 30 s.
import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, openContactsAndSeeOnline, sampleInbound, test, type User } from "./fixtures";

async function videoCall(alice: User, bob: User) {
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  const aliceCall = callSection(alice.page, "Bob");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(callSection(bob.page, "Alice").getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(bob.page, "video", "Bob");
  return aliceCall;
}

/** The quality button (its name says the level) and the details it opens. */
function indicator(page: Page) {
  return page.getByRole("button", { name: /^Connection quality: / });
}

/**
 * What the details panel says next to what getStats() says at the moment the
 * panel's numbers were read: the page waits for two new samples (the panel's
 * data-sampled-at changes) and reads getStats() right after each, so its own
 * rates cover the same second as the panel's.
 */
function panelAgainstStats(page: Page) {
  return page.evaluate(async () => {
    const dl = document.querySelector("[data-sampled-at]")!;
    const nextSample = (after: string | null) =>
      new Promise<void>((resolve) => {
        const check = () => (dl.getAttribute("data-sampled-at") !== after ? resolve() : requestAnimationFrame(check));
        check();
      });
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1)!;
    type S = Record<string, number | string | undefined> & { type: string; id: string };
    const read = async () => {
      const all: S[] = [];
      (await pc.getStats()).forEach((s: S) => void all.push(s));
      return { all, at: performance.now() };
    };
    await nextSample(dl.getAttribute("data-sampled-at"));
    const a = await read();
    await nextSample(dl.getAttribute("data-sampled-at"));
    const b = await read();
    const cell = (key: string) => document.querySelector(`[data-stat="${key}"] dd`)?.textContent ?? "";
    const n = (text: string) => [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
    const panel = { rtt: cell("rtt"), videoOut: cell("video-out"), videoIn: cell("video-in"), jitter: cell("jitter"), loss: cell("loss"), path: cell("path"), out: cell("bitrate-out"), in: cell("bitrate-in") };
    const byId = new Map(b.all.map((s) => [s.id, s]));
    const transport = b.all.find((s) => s.type === "transport" && s.selectedCandidatePairId);
    const pair = byId.get(String(transport?.selectedCandidatePairId));
    const outV = b.all.find((s) => s.type === "outbound-rtp" && s.kind === "video");
    const inV = b.all.find((s) => s.type === "inbound-rtp" && s.kind === "video");
    const inA = b.all.find((s) => s.type === "inbound-rtp" && s.kind === "audio");
    const seconds = (b.at - a.at) / 1000;
    const bytes = (all: S[], type: string, field: string) => all.filter((s) => s.type === type).reduce((sum, s) => sum + Number(s[field] ?? 0), 0);
    const stats = {
      rtt: Number(pair?.currentRoundTripTime) * 1000,
      videoOut: [Number(outV?.frameWidth), Number(outV?.frameHeight), Number(outV?.framesPerSecond)],
      videoIn: [Number(inV?.frameWidth), Number(inV?.frameHeight), Number(inV?.framesPerSecond)],
      jitter: Number(inA?.jitter) * 1000,
      kbpsOut: ((bytes(b.all, "outbound-rtp", "bytesSent") - bytes(a.all, "outbound-rtp", "bytesSent")) * 8) / seconds / 1000,
      kbpsIn: ((bytes(b.all, "inbound-rtp", "bytesReceived") - bytes(a.all, "inbound-rtp", "bytesReceived")) * 8) / seconds / 1000,
      localType: String(byId.get(String(pair?.localCandidateId))?.candidateType),
    };
    const mismatches: string[] = [];
    const close = (what: string, shown: number | undefined, real: number, tolerance: number) => {
      if (shown === undefined || !(Math.abs(shown - real) <= tolerance)) mismatches.push(`${what}: panel ${shown}, getStats ${real.toFixed(1)}`);
    };
    // Rounded to whole units in the panel: ±1 (0.5 of rounding, and what can change in the ms between the two reads).
    close("RTT ms", n(panel.rtt)[0], stats.rtt, 1);
    close("jitter ms", n(panel.jitter)[0], stats.jitter, 1);
    close("video sent width", n(panel.videoOut)[0], stats.videoOut[0]!, 0);
    close("video sent height", n(panel.videoOut)[1], stats.videoOut[1]!, 0);
    close("video sent fps", n(panel.videoOut)[2], stats.videoOut[2]!, 1);
    close("video received width", n(panel.videoIn)[0], stats.videoIn[0]!, 0);
    close("video received height", n(panel.videoIn)[1], stats.videoIn[1]!, 0);
    close("video received fps", n(panel.videoIn)[2], stats.videoIn[2]!, 1);
    // Rates: the same second, measured by two clocks a render apart.
    close("kbit/s sent", n(panel.out)[0], stats.kbpsOut, Math.max(5, stats.kbpsOut * 0.1));
    close("kbit/s received", n(panel.in)[0], stats.kbpsIn, Math.max(5, stats.kbpsIn * 0.1));
    return { mismatches, panel, stats };
  });
}

test("the quality indicator's details show getStats' numbers (within rounding); a loopback call is direct", async ({ users }) => {
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  const aliceCall = await videoCall(alice, bob);
  const button = indicator(alice.page);
  await expect(button).toHaveAccessibleName("Connection quality: Good. Show details", { timeout: 5_000 });
  await button.click();
  const details = alice.page.getByRole("dialog", { name: "Connection", exact: true });
  await expect(details).toBeVisible();
  await expect(details.locator('[data-stat="path"] dd')).toHaveText("Direct");
  // Resolution and frame rate settle over the first seconds: poll until one reading agrees throughout.
  let last: Awaited<ReturnType<typeof panelAgainstStats>> | null = null;
  await expect
    .poll(async () => (last = await panelAgainstStats(alice.page)).mismatches, { timeout: 20_000, intervals: [0] })
    .toEqual([]);
  console.log(`[metric] details vs getStats: ${JSON.stringify(last)}`);
  const { violations } = await new AxeBuilder({ page: alice.page }).analyze();
  expect(violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), "axe, quality details open").toEqual([]);
  await alice.page.keyboard.press("Escape");
  await expect(details).toBeHidden();
  await expect(aliceCall.getByText("Poor connection", { exact: true })).toHaveCount(0);
  // Voice first on a congested link: both sides send their audio at the browser's high priority.
  for (const page of [alice.page, bob.page]) {
    await expect
      .poll(() =>
        page.evaluate(() => {
          const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
          const audio = pc?.getSenders().find((s) => s.track?.kind === "audio");
          const e = audio?.getParameters().encodings?.[0] as { priority?: string; networkPriority?: string } | undefined;
          return `${e?.priority}/${e?.networkPriority}`;
        }),
      )
      .toBe("high/high");
  }
});

// ---- poor network ----------------------------------------------------------------------

const tc = (...args: string[]) => execFileSync("tc", args, { stdio: "pipe" });
function liftCap() {
  try {
    tc("qdisc", "del", "dev", "lo", "root");
  } catch {
    // no cap
  }
}
/** Caps UDP packets from `port` on loopback at `kbit` kbit/s with a ~400 ms byte queue (the rest of lo is untouched). */
function capUdpFrom(port: number, kbit: number) {
  tc("qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10");
  tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
  tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", `${kbit}kbit`, "ceil", `${kbit}kbit`, "burst", "4k", "cburst", "4k");
  tc("qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "bfifo", "limit", String(Math.round((kbit * 1000 * 0.4) / 8)));
  tc("filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "ip", "protocol", "17", "0xff", "match", "ip", "sport", String(port), "0xffff", "flowid", "1:20");
}
test.afterEach(liftCap);

/** The selected pair's local candidate in the page: its type and port. */
function localCandidate(page: Page) {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1)!;
    const stats = await pc.getStats();
    let pairId = "";
    stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = stats.get(pairId) as { localCandidateId: string };
    const local = stats.get(pair.localCandidateId) as { candidateType: string; port: number };
    return { type: local.candidateType, port: local.port };
  });
}

/** Alice's video sender: what it encodes and the limits set on it. */
function sender(page: Page) {
  return page.evaluate(async () => {
    const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1)!;
    const s = pc.getSenders().find((x) => x.track?.kind === "video")!;
    let out = { width: 0, height: 0, fps: 0, limitation: "" };
    (await s.getStats()).forEach((r: { type: string; frameWidth?: number; frameHeight?: number; framesPerSecond?: number; qualityLimitationReason?: string }) => {
      if (r.type === "outbound-rtp") out = { width: r.frameWidth ?? 0, height: r.frameHeight ?? 0, fps: r.framesPerSecond ?? 0, limitation: r.qualityLimitationReason ?? "" };
    });
    const enc = s.getParameters().encodings[0] ?? {};
    return { ...out, scale: enc.scaleResolutionDownBy ?? 1, maxBitrate: enc.maxBitrate ?? null, maxFramerate: enc.maxFramerate ?? null };
  });
}

/** Bob's page records the longest time between two increases of decoded video frames, checked every 100 ms. */
function watchFreezes(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as { __longestGap: number; __watch: ReturnType<typeof setInterval> };
    w.__longestGap = 0;
    let frames = -1;
    let since = performance.now();
    w.__watch = setInterval(async () => {
      const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
      let n = 0;
      (await pc?.getStats())?.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
        if (s.type === "inbound-rtp" && s.kind === "video") n += s.framesDecoded ?? 0;
      });
      const now = performance.now();
      if (n > frames) {
        frames = n;
        since = now;
      }
      w.__longestGap = Math.max(w.__longestGap, now - since);
    }, 100);
  });
}
const longestGap = (page: Page) => page.evaluate(() => (window as unknown as { __longestGap: number }).__longestGap);

test("through coturn: the details say Relayed (TURN); a 250 kbit/s cap is seen, the sender steps down, audio keeps flowing, video recovers once it is lifted", async ({ users }, testInfo) => {
  test.skip(process.env.DIALTONE_E2E_NETNS !== "1", "needs the e2e run's own network namespace (run as root through npm run test:e2e)");
  test.setTimeout(150_000);
  const alice = await users.create("Alice");
  const bob = await users.create("Bob");
  for (const u of [alice, bob]) {
    await u.context.addInitScript(() => {
      (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy = "relay";
    });
  }
  const aliceCall = await videoCall(alice, bob);
  const local = await localCandidate(alice.page);
  expect(local.type, "Alice's selected local candidate").toBe("relay");

  // The details say the call is relayed.
  const button = indicator(alice.page);
  await expect(button).toHaveAccessibleName("Connection quality: Good. Show details", { timeout: 5_000 });
  await button.click();
  const details = alice.page.getByRole("dialog", { name: "Connection", exact: true });
  await expect(details.locator('[data-stat="path"] dd')).toHaveText("Relayed (TURN)");
  await alice.page.keyboard.press("Escape");

  // Full resolution before the cap (the fake camera is 640×480; it ramps up in the first seconds).
  await expect.poll(async () => (await sender(alice.page)).width, { message: "Alice sends 640 wide before the cap", timeout: 20_000 }).toBe(640);
  const before = await sender(alice.page);
  await watchFreezes(bob.page);

  // --- Cap Alice → Bob at 250 kbit/s ------------------------------------------------------
  capUdpFrom(local.port, 250);
  const capped = Date.now();
  let detectedAfter: number | null = null;
  let worst: string = "good";
  let lowest = { width: before.width, height: before.height, fps: before.fps };
  let scale = 1;
  const audio: number[] = [];
  const poorWithBadge: boolean[] = [];
  const timeline: string[] = [];
  // Once a second for 20 s: the indicator, Alice's sender, Bob's inbound audio.
  for (let i = 0; i < 20; i++) {
    const tick = Date.now();
    // The level and the label on Bob's picture, read together (both come from the same store).
    const { level, badge } = await alice.page.evaluate(() => ({
      level: document.querySelector("[data-level]")?.getAttribute("data-level") ?? "",
      badge: [...document.querySelectorAll("[role=status]")].some((e) => e.textContent?.trim() === "Poor connection"),
    }));
    if (level === "poor") {
      if (!poorWithBadge.length) await testInfo.attach("poor connection (Alice)", { body: await alice.page.screenshot(), contentType: "image/png" });
      poorWithBadge.push(badge);
    }
    const s = await sender(alice.page);
    audio.push((await sampleInbound(bob.page, "audio")).bytesReceived);
    if ((level === "fair" || level === "poor") && detectedAfter === null) detectedAfter = Date.now() - capped;
    if (level === "poor" || (level === "fair" && worst === "good")) worst = level;
    if (s.width * s.height < lowest.width * lowest.height || (s.width * s.height === lowest.width * lowest.height && s.fps < lowest.fps)) lowest = { width: s.width, height: s.height, fps: s.fps };
    scale = Math.max(scale, s.scale);
    timeline.push(`${((Date.now() - capped) / 1000).toFixed(1)}s ${level} ${s.width}x${s.height}@${s.fps} scale=${s.scale} max=${s.maxBitrate} ${s.limitation}`);
    await alice.page.waitForTimeout(Math.max(0, 1000 - (Date.now() - tick)));
  }
  const gapCapped = await longestGap(bob.page);
  console.log(`[metric] poor network timeline:\n  ${timeline.join("\n  ")}`);
  expect(detectedAfter, "the indicator shows fair or poor within 10 s of the cap").not.toBeNull();
  expect(detectedAfter!).toBeLessThanOrEqual(10_000);
  expect(lowest.width < before.width || lowest.fps < before.fps - 2, `Alice's sender lowered resolution or frame rate (lowest ${JSON.stringify(lowest)})`).toBe(true);
  expect(scale, "the app itself lowered its sending resolution (RTCRtpSender.setParameters scaleResolutionDownBy)").toBeGreaterThanOrEqual(2);
  const audioDeltas = audio.slice(1).map((b, i) => b - audio[i]!);
  expect(audioDeltas.every((d) => d > 0), `Bob's inbound audio bytes rise every second (${audioDeltas.join(", ")})`).toBe(true);
  expect(gapCapped, "Bob's video never stops for more than 2 s").toBeLessThanOrEqual(2_000);
  expect(poorWithBadge.every(Boolean), "while it rates poor, Bob's picture says Poor connection").toBe(true);
  // Once recovered, the label goes.
  await expect(aliceCall.getByText("Poor connection", { exact: true })).toHaveCount(0, { timeout: 30_000 });

  // --- Lift the cap: full resolution again within 30 s -----------------------------------
  liftCap();
  const lifted = Date.now();
  await expect.poll(async () => (await sender(alice.page)).width, { message: "Alice sends 640 wide again", timeout: 30_000, intervals: [500] }).toBe(before.width);
  const recoveredAfter = Date.now() - lifted;
  await expect.poll(async () => (await sender(alice.page)).scale, { message: "the adaptation is undone", timeout: 10_000 }).toBe(1);
  const after = await sender(alice.page);
  const gapTotal = await longestGap(bob.page);
  const figures = {
    detectMs: detectedAfter,
    worstLevel: worst,
    before: `${before.width}x${before.height}@${before.fps}`,
    lowest: `${lowest.width}x${lowest.height}@${lowest.fps}`,
    adapterScale: scale,
    audioBytesPerSecond: audioDeltas,
    longestVideoGapCappedMs: Math.round(gapCapped),
    longestVideoGapOverallMs: Math.round(gapTotal),
    recoveryMs: recoveredAfter,
    after: `${after.width}x${after.height}@${after.fps}`,
  };
  testInfo.annotations.push({ type: "poor-network", description: JSON.stringify(figures) });
  console.log(`[metric] poor network: ${JSON.stringify(figures)}`);
});
