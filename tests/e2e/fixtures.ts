// Shared helpers for the browser suite: users seeded through the API, one browser
// context per user, and media checks read from the peer connections' getStats().
//
// Every context gets an init script that records each RTCPeerConnection the app
// creates in `window.__pcs`: that is how specs reach getStats() without knowing
// anything about the app's PeerSession class.
import { randomBytes } from "node:crypto";
import { expect, test as base, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";

declare global {
  interface Window {
    __pcs?: RTCPeerConnection[];
    __acceptClickedAt?: number;
    __firstFrameAt?: number;
  }
}

export const PASSWORD = "correct-horse-battery";

export type User = {
  context: BrowserContext;
  page: Page;
  id: string;
  name: string;
  email: string;
  password: string;
};

export function uniqueEmail(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, "") || "user"}-${Date.now()}-${randomBytes(3).toString("hex")}@e2e.test`;
}

/** Runs in the page before any of its scripts: keeps every RTCPeerConnection in window.__pcs. */
function trackPeerConnections() {
  const Original = window.RTCPeerConnection;
  const pcs: RTCPeerConnection[] = [];
  window.__pcs = pcs;
  class TrackedPeerConnection extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
    }
  }
  window.RTCPeerConnection = TrackedPeerConnection;
}

/** Options of a browser context: `locale` sets the browser's language (and so its Accept-Language). */
export type ContextOptions = { locale?: string };

/** A fresh signed-out context (camera and microphone granted, peer connections tracked) and a page in it. */
export async function newContext(browser: Browser, baseURL: string | undefined, o: ContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  // Chromium sends its own Accept-Language: only the context's locale changes it.
  const context = await browser.newContext({ baseURL, permissions: ["camera", "microphone"], ...(o.locale ? { locale: o.locale } : {}) });
  await context.addInitScript(trackPeerConnections);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through next-auth's credentials endpoint; the session cookie lands in the context. */
export async function signInViaApi(context: BrowserContext, email: string, password: string): Promise<void> {
  const csrf = await context.request.get("/api/auth/csrf");
  expect(csrf.ok(), `GET /api/auth/csrf → ${csrf.status()}`).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
  expect(res.ok(), `POST /api/auth/callback/credentials → ${res.status()} ${await res.text()}`).toBe(true);
  const session = (await (await context.request.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, "session after signing in through the API").toBe(email);
}

/** A new user: signed up through POST /api/signup, signed in through next-auth's API, with a page on `/`. */
export async function newUser(browser: Browser, name: string, baseURL?: string, o: ContextOptions = {}): Promise<User> {
  const { context, page } = await newContext(browser, baseURL, o);
  const email = uniqueEmail(name);
  const res = await context.request.post("/api/signup", { data: { name, email, password: PASSWORD } });
  const body = await res.text();
  expect(res.status(), `POST /api/signup → ${body}`).toBe(201);
  const { ok, user } = JSON.parse(body) as { ok: boolean; user: { id: string; name: string } };
  expect(ok).toBe(true);
  expect(user.name).toBe(name);
  await signInViaApi(context, email, PASSWORD);
  return { context, page, id: user.id, name, email, password: PASSWORD };
}

/**
 * The context's browser refuses the camera as a user clicking "Block" would
 * (the microphone is allowed), until the page sets `window.__cameraAllowed = true`.
 */
export async function refuseCamera(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = (constraints?: MediaStreamConstraints) =>
      constraints?.video && (window as { __cameraAllowed?: boolean }).__cameraAllowed !== true
        ? Promise.reject(new DOMException("Permission denied", "NotAllowedError"))
        : original(constraints);
  });
}

/** `a` asks `b` to be a contact and `b` accepts, both through the API. */
export async function makeContacts(a: User, b: User): Promise<void> {
  const asked = await a.context.request.post("/api/contacts", { data: { email: b.email } });
  expect(asked.status(), `POST /api/contacts → ${await asked.text()}`).toBe(201);
  const accepted = await b.context.request.post(`/api/contacts/${a.id}`, { data: { action: "accept" } });
  expect(accepted.status(), `POST /api/contacts/${a.id} accept → ${await accepted.text()}`).toBe(200);
}

/** The contact's entry in the "Your contacts" list. */
export function contactItem(page: Page, name: string) {
  return page.getByRole("list", { name: "Your contacts", exact: true }).getByRole("listitem").filter({ hasText: name });
}

/** The in-page call screen. */
export function callSection(page: Page, otherName: string) {
  return page.getByRole("region", { name: `Call with ${otherName}`, exact: true });
}

/**
 * Opens `/` in every page first, then waits until each page lists its contact as
 * Online (a user is online once their page is open, so all pages load before checking).
 */
export async function openContactsAndSeeOnline(...views: [page: Page, contact: string][]): Promise<void> {
  for (const [page] of views) {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();
  }
  for (const [page, contact] of views) await expect(contactItem(page, contact)).toContainText("Online");
}

type RtpSample = { bytesReceived: number; framesDecoded: number; connected: number; found: boolean };

/** Reads inbound-rtp `kind` totals of the newest connected peer connection in the page. */
/** One getStats() reading of the page's newest connected peer connection: inbound `kind` bytes and decoded frames. */
export async function sampleInbound(page: Page, kind: "audio" | "video"): Promise<RtpSample> {
  return page.evaluate(async (kind) => {
    const connected = (window.__pcs ?? []).filter((pc) => pc.connectionState === "connected");
    const pc = connected[connected.length - 1];
    if (!pc) return { bytesReceived: 0, framesDecoded: 0, connected: 0, found: false };
    let bytesReceived = 0;
    let framesDecoded = 0;
    let found = false;
    (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
      if (s.type === "inbound-rtp" && s.kind === kind) {
        found = true;
        bytesReceived += s.bytesReceived ?? 0;
        framesDecoded += s.framesDecoded ?? 0;
      }
    });
    return { bytesReceived, framesDecoded, connected: connected.length, found };
  }, kind);
}

/**
 * Asserts that `kind` media arrives in the page: a connected peer connection whose
 * inbound-rtp bytes (and decoded frames, for video) rise within 1.5 s, and, for video,
 * a playing `Remote video` element with real dimensions.
 */
export async function mediaFlowing(page: Page, kind: "audio" | "video", who = "page"): Promise<void> {
  await expect
    .poll(async () => (await sampleInbound(page, kind)).connected, {
      message: `${who}: a peer connection reaches connectionState "connected"`,
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  // inbound-rtp appears with the first packet, which may come a moment after "connected".
  await expect
    .poll(async () => (await sampleInbound(page, kind)).found, {
      message: `${who}: getStats() has an inbound-rtp ${kind} entry`,
      timeout: 10_000,
    })
    .toBe(true);
  const first = await sampleInbound(page, kind);
  // The counters only ever grow: a reading within the 1.5 s that shows them risen
  // proves what a reading taken at 1.5 s would, without waiting out the rest.
  const until = Date.now() + 1_500;
  const risen = (s: RtpSample) => s.bytesReceived > first.bytesReceived && (kind === "audio" || s.framesDecoded > first.framesDecoded);
  let second = await sampleInbound(page, kind);
  while (!risen(second) && Date.now() < until) {
    await page.waitForTimeout(50);
    second = await sampleInbound(page, kind);
  }
  expect(second.bytesReceived, `${who}: inbound ${kind} bytesReceived rises within 1.5 s`).toBeGreaterThan(first.bytesReceived);
  if (kind === "video") {
    expect(second.framesDecoded, `${who}: inbound video framesDecoded rises within 1.5 s`).toBeGreaterThan(first.framesDecoded);
    const remote = page.getByLabel("Remote video", { exact: true });
    await expect(remote).toBeVisible();
    const el = await remote.evaluate((v: HTMLVideoElement) => ({
      readyState: v.readyState,
      videoWidth: v.videoWidth,
      paused: v.paused,
    }));
    expect(el.readyState, `${who}: Remote video readyState`).toBeGreaterThanOrEqual(2);
    expect(el.videoWidth, `${who}: Remote video videoWidth`).toBeGreaterThan(0);
    expect(el.paused, `${who}: Remote video is playing`).toBe(false);
  }
}

/** Kinds of the tracks the page's newest connected peer connection sends, with their `enabled` flag. */
export async function sentTracks(page: Page): Promise<{ kind: string; enabled: boolean }[]> {
  return page.evaluate(() => {
    const connected = (window.__pcs ?? []).filter((pc) => pc.connectionState === "connected");
    const pc = connected[connected.length - 1];
    if (!pc) return [];
    return pc
      .getSenders()
      .filter((s) => s.track && s.track.readyState === "live")
      .map((s) => ({ kind: s.track!.kind, enabled: s.track!.enabled }));
  });
}

/** Inbound-rtp video entries of every connected peer connection in the page that received bytes. */
export async function receivedVideoStreams(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let n = 0;
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState !== "connected") continue;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number }) => {
        if (s.type === "inbound-rtp" && s.kind === "video" && (s.bytesReceived ?? 0) > 0) n++;
      });
    }
    return n;
  });
}

/**
 * Time-to-first-frame probe. `arm` before the callee clicks Accept: the callee page
 * records Date.now() when a button named "Accept" is clicked, and every armed page polls
 * its peer connections every 20 ms for the first decoded inbound video frame.
 */
export async function armFirstFrameProbe(page: Page, { recordAccept }: { recordAccept: boolean }): Promise<void> {
  await page.evaluate((recordAccept) => {
    delete window.__firstFrameAt;
    delete window.__acceptClickedAt;
    if (recordAccept) {
      document.addEventListener(
        "click",
        (e) => {
          const button = (e.target as Element | null)?.closest("button");
          const name = button?.getAttribute("aria-label") ?? button?.textContent?.trim();
          if (name === "Accept") window.__acceptClickedAt ??= Date.now();
        },
        { capture: true },
      );
    }
    const timer = setInterval(async () => {
      for (const pc of window.__pcs ?? []) {
        if (pc.connectionState === "closed") continue;
        let frames = 0;
        (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded ?? 0;
        });
        if (frames > 0 && window.__firstFrameAt === undefined) {
          window.__firstFrameAt = Date.now();
          clearInterval(timer);
        }
      }
    }, 20);
    setTimeout(() => clearInterval(timer), 30_000);
  }, recordAccept);
}

/** Reads the probe: ms from the Accept click (in `callee`) to the first decoded frame in each page. */
export async function reportFirstFrame(testInfo: TestInfo, callee: Page, pages: Record<string, Page>): Promise<Record<string, number>> {
  const clickedAt = await callee.evaluate(() => window.__acceptClickedAt);
  expect(clickedAt, "the Accept click was recorded").toBeDefined();
  const out: Record<string, number> = {};
  for (const [who, page] of Object.entries(pages)) {
    await page.waitForFunction(() => window.__firstFrameAt !== undefined, undefined, { timeout: 15_000 });
    const at = await page.evaluate(() => window.__firstFrameAt!);
    out[who] = at - clickedAt!;
    testInfo.annotations.push({ type: "accept-to-first-frame", description: `${who}: ${out[who]} ms` });
  }
  console.log(`[metric] ${testInfo.title}: Accept → first decoded remote frame: ${Object.entries(out).map(([w, ms]) => `${w} ${ms} ms`).join(", ")}`);
  return out;
}

/** Opens /history through the "History" link in the main navigation and returns the row for a call with `other`. */
export async function historyRowWith(page: Page, other: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History", exact: true }).click();
  await expect(page).toHaveURL(/\/history(\?|$)/);
  await expect(page.getByRole("heading", { name: "Call history", exact: true })).toBeVisible();
  const rows = page.getByRole("table").getByRole("row").filter({ has: page.getByRole("button", { name: `Call back ${other}`, exact: true }) });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(other);
  return rows;
}

/** The m:ss durations (seconds) found in a text: tokens like "0:03", not parts of "10:42:13". */
export function durationsIn(text: string): number[] {
  return [...text.matchAll(/(?<![\d:])(\d+):(\d\d)(?![\d:])/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
}

/** `test` with a `users` fixture that closes every context it created when the test ends. */
export const test = base.extend<{ users: { create: (name: string, o?: ContextOptions) => Promise<User>; track: (c: BrowserContext) => void } }>({
  users: async ({ browser, baseURL }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide({
      create: async (name, o) => {
        const user = await newUser(browser, name, baseURL, o);
        contexts.push(user.context);
        return user;
      },
      track: (c) => void contexts.push(c),
    });
    // Closing the pages closes their peer connections (no TURN allocations are left behind).
    for (const c of contexts) await c.close().catch(() => undefined);
  },
});

export { expect };

/**
 * Counts the Socket.IO events a page sends, by name (e.g. "signal:description":
 * a renegotiation sends a new offer). Attach before the page opens its socket.
 */
export function countSentEvents(page: Page): Map<string, number> {
  const counts = new Map<string, number>();
  page.on("websocket", (ws) =>
    ws.on("framesent", ({ payload }) => {
      const m = /^42\/signaling,\d*\["([^"]+)"/.exec(typeof payload === "string" ? payload : payload.toString());
      if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    }),
  );
  return counts;
}

type FrameSample = { at: number; streams: Record<string, { frames: number; width: number; freezes: number; frozenS: number }> };
/**
 * Per stream: the longest time seen without a new decoded frame (from the
 * last reading where frames rose to a later reading where they had not: a
 * poll that comes late does not count as a gap), frames, last width, the
 * Date.now() of its first decoded frame, and the freezes WebRTC itself
 * counted meanwhile (inbound-rtp freezeCount / totalFreezesDuration).
 */
export type FrameProbe = Record<string, { maxGapMs: number; gapFrom?: number; frames: number; width: number; firstAt: number; freezes: number; frozenMs: number; samples?: number }>;

/**
 * Polls the page's newest connected peer connection every 40 ms and keeps, per
 * inbound-rtp video stream (by its `mid`), decoded frames and frame width: the
 * receiver-side picture of a switch. Read it with `readFrameProbe`.
 */
export async function startFrameProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frameProbe?: { stop: () => void; samples: FrameSample[] }; __pcs?: RTCPeerConnection[] };
    w.__frameProbe?.stop();
    const samples: FrameSample[] = [];
    const timer = setInterval(async () => {
      const pc = (w.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
      if (!pc) return;
      const streams: FrameSample["streams"] = {};
      type Inbound = { type: string; kind?: string; mid?: string; framesDecoded?: number; frameWidth?: number; freezeCount?: number; totalFreezesDuration?: number };
      (await pc.getStats()).forEach((s: Inbound) => {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          streams[s.mid ?? "?"] = { frames: s.framesDecoded ?? 0, width: s.frameWidth ?? 0, freezes: s.freezeCount ?? 0, frozenS: s.totalFreezesDuration ?? 0 };
        }
      });
      samples.push({ at: Date.now(), streams });
    }, 40);
    w.__frameProbe = { stop: () => clearInterval(timer), samples };
  });
}

/**
 * Per video stream (mid): the longest time in ms between two readings where its
 * decoded frames rose, its frames, its last width, when its first frame came,
 * and (with `since`, a Date.now()) when its frames first rose after that moment.
 */
export async function readFrameProbe(page: Page, since = 0): Promise<Record<string, FrameProbe[string] & { riseAt: number }>> {
  return page.evaluate((since) => {
    const w = window as unknown as { __frameProbe?: { samples: FrameSample[] } };
    const out: Record<string, FrameProbe[string] & { riseAt: number }> = {};
    const last: Record<string, { at: number; frames: number }> = {};
    const atSince: Record<string, number> = {};
    const first: Record<string, { freezes: number; frozenS: number }> = {};
    for (const s of w.__frameProbe?.samples ?? []) {
      for (const [mid, v] of Object.entries(s.streams)) {
        const prev = last[mid];
        const o = (out[mid] ??= { maxGapMs: 0, frames: 0, width: 0, firstAt: 0, riseAt: 0, freezes: 0, frozenMs: 0 });
        const f = (first[mid] ??= { freezes: v.freezes, frozenS: v.frozenS });
        if (!o.firstAt && v.frames > 0) o.firstAt = s.at;
        if (s.at <= since) atSince[mid] = v.frames;
        else if (!o.riseAt && v.frames > (atSince[mid] ?? 0)) o.riseAt = s.at;
        if (!prev || v.frames > prev.frames) last[mid] = { at: s.at, frames: v.frames };
        else if (prev.frames > 0 && s.at - prev.at > o.maxGapMs) {
          o.maxGapMs = Math.round(s.at - prev.at);
          o.gapFrom = prev.at;
        }
        o.frames = v.frames;
        o.width = v.width;
        o.samples = (o.samples ?? 0) + 1;
        o.freezes = v.freezes - f.freezes;
        o.frozenMs = Math.round((v.frozenS - f.frozenS) * 1000);
      }
    }
    return out;
  }, since);
}

/** Records every connectionState the page's peer connections go through from now on (read with `connectionStates`). */
export async function watchConnectionStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as { __pcStates?: string[] };
    w.__pcStates = [];
    for (const pc of window.__pcs ?? []) pc.addEventListener("connectionstatechange", () => w.__pcStates!.push(pc.connectionState));
  });
}

export async function connectionStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as { __pcStates?: string[] }).__pcStates ?? []);
}

declare global {
  interface Window {
    __pairs?: { path: "direct" | "relayed"; rttMs: number }[];
  }
}

/**
 * From now on, once a second (as the app's stats sampler does), the connected
 * peer connection's selected pair as getStats says: direct or relayed, and its
 * current round trip (ms). Read with readPairProbe.
 */
export async function startPairProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const pairs: { path: "direct" | "relayed"; rttMs: number }[] = [];
    window.__pairs = pairs;
    const tick = async () => {
      const pc = (window.__pcs ?? []).filter((p) => p.connectionState === "connected").at(-1);
      if (!pc) return;
      const all = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => all.set(s.id as string, s));
      const transport = [...all.values()].find((s) => s.type === "transport" && typeof s.selectedCandidatePairId === "string");
      const pair = transport && all.get(transport.selectedCandidatePairId as string);
      if (!pair || typeof pair.currentRoundTripTime !== "number") return;
      const relay = [pair.localCandidateId, pair.remoteCandidateId].some((id) => all.get(id as string)?.candidateType === "relay");
      pairs.push({ path: relay ? "relayed" : "direct", rttMs: pair.currentRoundTripTime * 1000 });
    };
    const timer = setInterval(() => void tick(), 1000);
    void tick();
    // Stops by itself when the call's connection closes.
    const stop = setInterval(() => {
      if (pairs.length && !(window.__pcs ?? []).some((p) => p.connectionState === "connected")) {
        clearInterval(timer);
        clearInterval(stop);
      }
    }, 250);
  });
}

export async function readPairProbe(page: Page): Promise<{ path: "direct" | "relayed"; rttMs: number }[]> {
  return page.evaluate(() => window.__pairs ?? []);
}
