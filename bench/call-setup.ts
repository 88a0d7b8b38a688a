// B2: call setup in real browsers (Debian Chromium, fake camera/microphone).
// Dialtone: caller click → callee ring shown; Accept click → first decoded
// remote frame (both sides), over N calls. Baseline in the same run: a bare
// page pair that connects two RTCPeerConnections through the simplest relay
// (a raw `ws` server that forwards every message to the other page), timed
// from "start" on the answering page to its first decoded frame (getUserMedia
// included on both sides, as in Dialtone after Accept).
//   node --import tsx bench/call-setup.ts [--calls 20] [--quick]
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { WebSocketServer, type WebSocket } from "ws";
import { migrateSqlite } from "../server/db/migrate";
import { startNode } from "../tests/multinode/cluster";
import { CHROMIUM_ARGS } from "../tests/e2e/constants";
import { freePort } from "../tests/support/redis";
import { summarise, type Summary } from "./stats";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
// P3★ asks for medians and p90 over at least 30 calls.
const calls = Number(args[args.indexOf("--calls") + 1]) || (quick ? 6 : 30);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";
/**
 * How long the callee's device rings before Accept is clicked: a second, about
 * as fast as a person answers. Until 2026-12-06 the bench clicked the moment
 * the button existed (tens of ms), which no person does; the caller's side
 * now prepares its peer connection while it rings (app/call/live-call.ts),
 * and a ring shorter than any real one would time that preparation, not the
 * call set-up. The bare pair has no ring: its clock starts at "start".
 */
const RING_MS = Number(args[args.indexOf("--ring-ms") + 1]) || 1000;
/** `--trace <file>`: a Chromium performance trace of the callee's page around the 4th call's Accept (chrome://tracing, DevTools' Performance panel). */
const TRACE = args.includes("--trace") ? args[args.indexOf("--trace") + 1] : undefined;

declare global {
  interface Window {
    __pcs?: RTCPeerConnection[];
    __ringAt?: number;
    __frameAt?: number;
    __probe?: (fromIndex: number) => void;
    /** Per peer connection: when it was made, got its remote offer/answer, and connected (Date.now()). */
    __pcTimes?: PcTimes[];
    startCall?: () => void;
    stopCall?: () => void;
  }
}

/** Per peer connection (Date.now()): made, its remote and local description applied, setRemoteDescription called, ICE connected, connected (ICE and DTLS). */
type PcTimes = { created: number; remote?: number; connected?: number; local?: number; srdCall?: number; iceConnected?: number };

/** In every page: keep peer connections, and a probe for the first decoded video frame. */
function instrument() {
  const Original = window.RTCPeerConnection;
  const pcs: RTCPeerConnection[] = [];
  const times: PcTimes[] = [];
  window.__pcs = pcs;
  window.__pcTimes = times;
  const gum: { start: number; end?: number }[] = [];
  (window as unknown as { __gum: typeof gum }).__gum = gum;
  // Main-thread long tasks (≥ 50 ms): while one runs, no event handler (the
  // frame probe, socket messages, connection events) runs in this page.
  const longTasks: { start: number; end: number }[] = [];
  (window as unknown as { __long: typeof longTasks }).__long = longTasks;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // no long-task timing in this browser
  }
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c?: MediaStreamConstraints) => {
    const entry: { start: number; end?: number } = { start: Date.now() };
    gum.push(entry);
    const stream = await getUserMedia(c);
    entry.end = Date.now();
    return stream;
  };
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
      const t: PcTimes = { created: Date.now() };
      times.push(t);
      this.addEventListener("signalingstatechange", () => {
        if (t.remote === undefined && this.remoteDescription) t.remote = Date.now();
        if (t.local === undefined && this.localDescription) t.local = Date.now();
      });
      const srd = this.setRemoteDescription.bind(this);
      this.setRemoteDescription = ((d: RTCSessionDescriptionInit) => {
        t.srdCall ??= Date.now();
        return srd(d);
      }) as typeof this.setRemoteDescription;
      this.addEventListener("iceconnectionstatechange", () => {
        if (t.iceConnected === undefined && (this.iceConnectionState === "connected" || this.iceConnectionState === "completed")) t.iceConnected = Date.now();
      });
      this.addEventListener("connectionstatechange", () => {
        if (t.connected === undefined && this.connectionState === "connected") t.connected = Date.now();
      });
    }
  };
  window.__probe = (fromIndex: number) => {
    delete window.__frameAt;
    const timer = setInterval(async () => {
      for (const pc of pcs.slice(fromIndex)) {
        let frames = 0;
        (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded ?? 0;
        });
        if (frames > 0 && window.__frameAt === undefined) {
          window.__frameAt = Date.now();
          clearInterval(timer);
        }
      }
    }, 5);
    setTimeout(() => clearInterval(timer), 20_000);
  };
  // Websocket messages of the set-up as the page sends and receives them: the
  // time a message spends between two pages (relay, and the receiving page's
  // main thread getting to its message event).
  const ws: { t: number; dir: "in" | "out"; what: string }[] = [];
  (window as unknown as { __ws: typeof ws }).__ws = ws;
  const OrigWS = window.WebSocket;
  window.WebSocket = class extends OrigWS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e) => {
        const d = typeof e.data === "string" ? e.data : "";
        // The accept's ack: socket.io's ACK packet (43) carrying the now active call.
        const ack = /^43[^[]*\[\{"ok":true,"call":\{[^]*"status":"active"/.test(d) ? "accept-ack" : "";
        const what = /"(signal:description|signal:candidate|call:accepted|call:incoming|call:offer)"/.exec(d)?.[1] ?? (ack || (/"sdp"/.test(d) ? "sdp" : /"candidate"/.test(d) ? "candidate" : ""));
        if (what) ws.push({ t: Date.now(), dir: "in", what: what + (d.includes('"offer"') ? ":offer" : d.includes('"answer"') ? ":answer" : "") });
      });
    }
    send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      const d = typeof data === "string" ? data : "";
      const what = /"(signal:description|signal:candidate|call:accept|call:offer)"/.exec(d)?.[1] ?? (/"sdp"/.test(d) ? "sdp" : "");
      if (what) ws.push({ t: Date.now(), dir: "out", what: what + (d.includes('"offer"') ? ":offer" : d.includes('"answer"') ? ":answer" : "") });
      super.send(data);
    }
  };
  new MutationObserver(() => {
    if (window.__ringAt === undefined && document.querySelector('[role="alertdialog"]')) window.__ringAt = Date.now();
  }).observe(document, { subtree: true, childList: true });
}

const BARE_PAGE = `<!doctype html><meta charset="utf-8"><video id="v" autoplay playsinline muted></video><script>
const role = new URLSearchParams(location.search).get("role");
const ws = new WebSocket("ws://" + location.host + "/relay");
let pc = null, stream = null;
const send = (m) => ws.send(JSON.stringify(m));
async function setup() {
  stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  pc.onicecandidate = (e) => e.candidate && send({ candidate: e.candidate.toJSON() });
  pc.ontrack = (e) => { document.getElementById("v").srcObject = e.streams[0]; };
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
}
const pending = [];
ws.onmessage = async (ev) => {
  const m = JSON.parse(ev.data);
  if (m.go && role === "a") { await setup(); await pc.setLocalDescription(); send({ sdp: pc.localDescription.toJSON() }); }
  else if (m.sdp) {
    if (m.sdp.type === "offer") { while (!pc) await new Promise((r) => setTimeout(r, 1)); await pc.setRemoteDescription(m.sdp); await pc.setLocalDescription(); send({ sdp: pc.localDescription.toJSON() }); }
    else await pc.setRemoteDescription(m.sdp);
    for (const c of pending.splice(0)) await pc.addIceCandidate(c);
  } else if (m.candidate) {
    if (pc && pc.remoteDescription) await pc.addIceCandidate(m.candidate); else pending.push(m.candidate);
  }
};
window.startCall = () => { send({ go: true }); void setup(); };
window.stopCall = () => { pc && pc.close(); stream && stream.getTracks().forEach((t) => t.stop()); pc = null; stream = null; };
</script>`;

async function bareRelay(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(BARE_PAGE);
  });
  const wss = new WebSocketServer({ server, path: "/relay" });
  const peers = new Set<WebSocket>();
  wss.on("connection", (ws) => {
    peers.add(ws);
    ws.on("message", (data) => {
      for (const p of peers) if (p !== ws) p.send(data.toString());
    });
    ws.on("close", () => peers.delete(ws));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { wss.close(); server.close(() => r()); }) };
}

async function waitForValue(page: Page, expr: "__ringAt" | "__frameAt", timeoutMs = 20_000): Promise<number> {
  const handle = await page.waitForFunction((k) => window[k], expr, { timeout: timeoutMs, polling: 5 });
  return (await handle.jsonValue()) as number;
}

/** When the page first sent ("out") or received ("in") a websocket message of this kind after `from` (see instrument). */
function wsAt(page: Page, from: number, dir: "in" | "out", what: string): Promise<number> {
  return page.evaluate(
    ([t, d, w]) => (window as unknown as { __ws: { t: number; dir: string; what: string }[] }).__ws.find((x) => x.t >= Number(t) && x.dir === d && x.what === w)?.t ?? NaN,
    [String(from), dir, what],
  );
}

async function dialtoneRuns(browser: Browser, baseURL: string) {
  const contexts: BrowserContext[] = [];
  const user = async (name: string) => {
    const context = await browser.newContext({ baseURL, permissions: ["camera", "microphone"] });
    contexts.push(context);
    await context.addInitScript(instrument);
    const email = `${name.toLowerCase()}-${randomBytes(4).toString("hex")}@bench.test`;
    const res = await context.request.post("/api/signup", { data: { name, email, password: "bench-password-1" } });
    const { user: u } = (await res.json()) as { user: { id: string } };
    const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await context.request.post("/api/auth/callback/credentials", { form: { csrfToken, email, password: "bench-password-1", json: "true" } });
    const page = await context.newPage();
    return { context, page, id: u.id, email };
  };
  const alice = await user("Alice");
  const bob = await user("Bob");
  await alice.context.request.post("/api/contacts", { data: { email: bob.email } });
  await bob.context.request.post(`/api/contacts/${alice.id}`, { data: { action: "accept" } });
  await Promise.all([alice.page.goto("/"), bob.page.goto("/")]);
  await alice.page.getByText("Online").waitFor();
  await bob.page.getByText("Online").waitFor();

  const ring: number[] = [];
  /** Click → the ring's message at the callee's page (the rest of `ring` is the page drawing it). */
  const ringIn: number[] = [];
  const calleeFrame: number[] = [];
  const callerFrame: number[] = [];
  const phases: Record<string, number>[] = [];
  for (let i = 0; i < calls + 1; i++) {
    await bob.page.evaluate(() => delete window.__ringAt);
    // Peer connections made for this call are those from here on (the caller's
    // is made while it rings).
    const [bobPcs, alicePcs] = await Promise.all([bob.page.evaluate(() => window.__pcs?.length ?? 0), alice.page.evaluate(() => window.__pcs?.length ?? 0)]);
    const tClick = await alice.page.evaluate(() => {
      const b = [...document.querySelectorAll("button")].find((x) => x.getAttribute("aria-label") === "Video call Bob");
      const t = Date.now();
      b?.click();
      return t;
    });
    const tRing = await waitForValue(bob.page, "__ringAt");
    await bob.page.getByRole("button", { name: "Accept", exact: true }).waitFor();
    await bob.page.waitForTimeout(Math.max(0, RING_MS - (Date.now() - tRing)));
    const tracing = TRACE !== undefined && i === 4;
    if (tracing) {
      await browser.startTracing(bob.page, { path: TRACE, screenshots: false, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "webrtc"] });
      await bob.page.waitForTimeout(200);
    }
    await alice.page.evaluate((n) => window.__probe?.(n), alicePcs);
    const tAccept = await bob.page.evaluate((n) => {
      window.__probe?.(n);
      const b = [...document.querySelectorAll("button")].find((x) => x.textContent?.trim() === "Accept");
      const t = Date.now();
      b?.click();
      return t;
    }, bobPcs);
    const [fb, fa] = await Promise.all([waitForValue(bob.page, "__frameAt"), waitForValue(alice.page, "__frameAt")]);
    if (tracing) {
      await bob.page.waitForTimeout(100);
      await browser.stopTracing();
      console.log(`trace of the callee's page (call ${i}, Accept → first frame ${fb - tAccept} ms): ${TRACE}`);
    }
    if (i > 0) {
      // the first call warms caches; it is not counted
      ring.push(tRing - tClick);
      ringIn.push((await wsAt(bob.page, tClick, "in", "call:incoming")) - tClick);
      calleeFrame.push(fb - tAccept);
      callerFrame.push(fa - tAccept);
      const [bt, at] = await Promise.all([
        bob.page.evaluate((n) => window.__pcTimes?.[n], bobPcs),
        alice.page.evaluate((n) => window.__pcTimes?.[n], alicePcs),
      ]);
      const g = await bob.page.evaluate((t) => (window as unknown as { __gum: { start: number; end?: number }[] }).__gum.filter((x) => x.start >= t - 5).at(0), tAccept);
      if (g) phases.push({ calleeGumStart: g.start - tAccept, calleeGumEnd: (g.end ?? NaN) - tAccept });
      // How long the callee's main thread was blocked by long tasks between Accept and its first frame.
      const blocked = await bob.page.evaluate(
        ([from, to]) => (window as unknown as { __long: { start: number; end: number }[] }).__long.reduce((sum, x) => sum + Math.max(0, Math.min(x.end, to) - Math.max(x.start, from)), 0),
        [tAccept, fb] as const,
      );
      phases.push({ calleeBlocked: blocked });
      const sdp = "signal:description";
      phases.push({
        acceptAckIn: (await wsAt(bob.page, tAccept, "in", "accept-ack")) - tAccept,
        acceptedIn: (await wsAt(alice.page, tAccept, "in", "call:accepted")) - tAccept,
        // Prepared while it rang, the answer goes out with the accept and comes in with call:accepted.
        acceptWithAnswerOut: (await wsAt(bob.page, tAccept, "out", "call:accept:answer")) - tAccept,
        acceptedWithAnswerIn: (await wsAt(alice.page, tAccept, "in", "call:accepted:answer")) - tAccept,
        offerOut: (await wsAt(alice.page, tAccept, "out", `${sdp}:offer`)) - tAccept,
        offerIn: (await wsAt(bob.page, tAccept, "in", `${sdp}:offer`)) - tAccept,
        answerOut: (await wsAt(bob.page, tAccept, "out", `${sdp}:answer`)) - tAccept,
        answerIn: (await wsAt(alice.page, tAccept, "in", `${sdp}:answer`)) - tAccept,
        candidateInAtCaller: (await wsAt(alice.page, tAccept, "in", "signal:candidate")) - tAccept,
      });
      if (bt && at) phases.push({ callerLocal: (at.local ?? NaN) - tAccept, calleeSrdCall: (bt.srdCall ?? NaN) - tAccept, calleeLocal: (bt.local ?? NaN) - tAccept, callerSrdCall: (at.srdCall ?? NaN) - tAccept, callerPc: at.created - tAccept, calleePc: bt.created - tAccept, offerAtCallee: (bt.remote ?? NaN) - tAccept, answerAtCaller: (at.remote ?? NaN) - tAccept, connected: (bt.connected ?? NaN) - tAccept, callerIce: (at.iceConnected ?? NaN) - tAccept, calleeIce: (bt.iceConnected ?? NaN) - tAccept, callerConnected: (at.connected ?? NaN) - tAccept, frame: fb - tAccept });
    }
    await alice.page.getByRole("button", { name: "Hang up", exact: true }).click();
    await bob.page.getByRole("region", { name: "Call with Alice" }).waitFor({ state: "detached" });
    await alice.page.getByRole("region", { name: "Call with Bob" }).waitFor({ state: "detached" });
    await alice.page.waitForTimeout(200);
  }
  for (const c of contexts) await c.close();
  return { ring, ringIn, calleeFrame, callerFrame, phases };
}

async function bareRuns(browser: Browser, url: string) {
  const context = await browser.newContext({ permissions: ["camera", "microphone"] });
  await context.addInitScript(instrument);
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto(`${url}/?role=a`);
  await b.goto(`${url}/?role=b`);
  await Promise.all([a.waitForFunction(() => typeof window.startCall === "function"), b.waitForFunction(() => typeof window.startCall === "function")]);
  await a.waitForTimeout(300);
  const frame: number[] = [];
  const callerFrame: number[] = [];
  const phases: Record<string, number>[] = [];
  for (let i = 0; i < calls + 1; i++) {
    const n = await b.evaluate(() => window.__pcs?.length ?? 0);
    const na = await a.evaluate(() => window.__pcs?.length ?? 0);
    // Both pages poll getStats() for their first frame, as both Dialtone pages
    // do: the polling runs on the same WebRTC threads as the set-up, so a floor
    // that polled in one page only would carry half the measurement's own load.
    await a.evaluate((k) => window.__probe?.(k), na);
    const t0 = await b.evaluate((k) => {
      window.__probe?.(k);
      const t = Date.now();
      window.startCall?.();
      return t;
    }, n);
    const [f, fa] = await Promise.all([waitForValue(b, "__frameAt"), waitForValue(a, "__frameAt")]);
    if (i > 0) {
      frame.push(f - t0);
      callerFrame.push(fa - t0);
      const g = await b.evaluate((t) => (window as unknown as { __gum: { start: number; end?: number }[] }).__gum.filter((x) => x.start >= t - 5).at(0), t0);
      if (g) phases.push({ calleeGumEnd: (g.end ?? NaN) - t0 });
      const [bt, at] = await Promise.all([b.evaluate((k) => window.__pcTimes?.[k], n), a.evaluate((k) => window.__pcTimes?.[k], na)]);
      phases.push({
        offerOut: (await wsAt(a, t0, "out", "sdp:offer")) - t0,
        offerIn: (await wsAt(b, t0, "in", "sdp:offer")) - t0,
        answerOut: (await wsAt(b, t0, "out", "sdp:answer")) - t0,
        answerIn: (await wsAt(a, t0, "in", "sdp:answer")) - t0,
        candidateInAtCaller: (await wsAt(a, t0, "in", "candidate")) - t0,
      });
      if (bt && at) phases.push({ callerLocal: (at.local ?? NaN) - t0, calleeSrdCall: (bt.srdCall ?? NaN) - t0, calleeLocal: (bt.local ?? NaN) - t0, callerSrdCall: (at.srdCall ?? NaN) - t0, callerPc: at.created - t0, calleePc: bt.created - t0, offerAtCallee: (bt.remote ?? NaN) - t0, answerAtCaller: (at.remote ?? NaN) - t0, connected: (bt.connected ?? NaN) - t0, callerIce: (at.iceConnected ?? NaN) - t0, calleeIce: (bt.iceConnected ?? NaN) - t0, callerConnected: (at.connected ?? NaN) - t0, frame: f - t0 });
    }
    await Promise.all([a.evaluate(() => window.stopCall?.()), b.evaluate(() => window.stopCall?.())]);
    await a.waitForTimeout(200);
  }
  await context.close();
  return { frame, callerFrame, phases };
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-b2-"));
  const dbUrl = `file:${path.join(dir, "b2.db")}`;
  migrateSqlite(dbUrl);
  const port = await freePort();
  const node = await startNode("b2", {
    PORT: String(port),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: dbUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    // One caller places 20+ calls in well under a minute here.
    RINGS_PER_USER_PER_MINUTE: "1000",
  });
  const relay = await bareRelay();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // Interleave halves so machine noise hits both alike.
    const bare1 = await bareRuns(browser, relay.url);
    const dial = await dialtoneRuns(browser, node.url);
    const bare2 = await bareRuns(browser, relay.url);
    const bare = summarise([...bare1.frame, ...bare2.frame]);
    const rows: [string, Summary][] = [
      ["bare pair: start → first frame", bare],
      ["bare pair: start → first frame (caller)", summarise([...bare1.callerFrame, ...bare2.callerFrame])],
      ["Dialtone: Accept → first frame (callee)", summarise(dial.calleeFrame)],
      ["Dialtone: Accept → first frame (caller)", summarise(dial.callerFrame)],
      ["Dialtone: caller click → callee ring", summarise(dial.ring)],
      ["  of which: click → call:incoming at callee", summarise(dial.ringIn)],
    ];
    console.log(`\nB2 call setup in Chromium, ${calls} calls (+1 warm-up) per scenario (${os.cpus().length} cores, ${new Date().toISOString()})`);
    console.log("scenario".padEnd(42), "min".padStart(9), "median".padStart(9), "p90".padStart(9), "max".padStart(9), "vs bare".padStart(9), "p90 vs".padStart(9));
    for (const [name, r] of rows) {
      // Each side against the same side of the bare pair (the caller's floor is the bare pair's offering page).
      const floor = name.startsWith("bare") ? (name.includes("(caller)") ? undefined : bare) : name.includes("(caller)") ? rows[1]![1] : name.includes("ring") ? undefined : bare;
      const ratio = floor ? `${(r.p50 / floor.p50).toFixed(2)}×` : "";
      const ratio90 = floor ? `${(r.p90 / floor.p90).toFixed(2)}×` : "";
      console.log(name.padEnd(42), `${r.min.toFixed(0)} ms`.padStart(9), `${r.p50.toFixed(0)} ms`.padStart(9), `${r.p90.toFixed(0)} ms`.padStart(9), `${r.max.toFixed(0)} ms`.padStart(9), ratio.padStart(9), ratio90.padStart(9));
    }
    // Where the time goes: medians of each phase, from Accept (Dialtone) or start
    // (bare pair): the callee's getUserMedia done, call:accepted at the caller,
    // each side's RTCPeerConnection made, the caller's offer set locally, sent,
    // received by the callee's page, handed to setRemoteDescription and applied;
    // the same for the answer the other way; ICE connected at the callee; the
    // first decoded frame at the callee.
    const phaseNames = ["calleeBlocked", "calleeGumStart", "calleeGumEnd", "acceptWithAnswerOut", "acceptAckIn", "acceptedIn", "acceptedWithAnswerIn", "callerPc", "calleePc", "callerLocal", "offerOut", "offerIn", "calleeSrdCall", "offerAtCallee", "calleeLocal", "answerOut", "answerIn", "callerSrdCall", "answerAtCaller", "candidateInAtCaller", "calleeIce", "callerIce", "connected", "callerConnected", "frame"] as const;
    const med = (rows: Record<string, number>[], k: string) => {
      const xs = rows.map((r) => r[k]).filter((x): x is number => x !== undefined && Number.isFinite(x));
      return xs.length > 0 ? summarise(xs).p50 : NaN;
    };
    console.log(`\nphases, median ms after Accept / start: ${phaseNames.join(" · ")}`);
    const cell = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "–");
    console.log(`  bare pair  ${phaseNames.map((k) => cell(med([...bare1.phases, ...bare2.phases], k))).join(" · ")}`);
    console.log(`  Dialtone   ${phaseNames.map((k) => cell(med(dial.phases, k))).join(" · ")}`);
    // What no signaling change can remove: the bare pair's ICE connected → first decoded frame (DTLS, the first key frame, jitter buffer, decode).
    const bareFloor = summarise([...bare1.phases, ...bare2.phases].filter((p) => Number.isFinite(p.frame) && Number.isFinite(p.calleeIce)).map((p) => p.frame! - p.calleeIce!));
    console.log(`\nbare pair, ICE connected → first decoded frame (callee): median ${bareFloor.p50.toFixed(0)} ms, p90 ${bareFloor.p90.toFixed(0)} ms, of its ${bare.p50.toFixed(0)} ms`);
    const callee = summarise(dial.calleeFrame);
    const caller = summarise(dial.callerFrame);
    const callerFloor = rows[1]![1];
    const ring = summarise(dial.ring);
    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
    console.log(`\nP3: Accept → first frame median ${(callee.p50 / bare.p50).toFixed(2)}× the bare pair (goal ≤ 1.3×): ${verdict(callee.p50 / bare.p50 <= 1.3)}; caller click → ring median ${ring.p50.toFixed(0)} ms (goal ≤ 50 ms): ${verdict(ring.p50 <= 50)}`);
    console.log(
      `P3★: callee ${(callee.p50 / bare.p50).toFixed(2)}× (p90 ${(callee.p90 / bare.p90).toFixed(2)}×; goal ≤ 0.75×): ${verdict(callee.p50 / bare.p50 <= 0.75)}; ` +
        `caller ${(caller.p50 / callerFloor.p50).toFixed(2)}× (p90 ${(caller.p90 / callerFloor.p90).toFixed(2)}×; goal ≤ 1.0×): ${verdict(caller.p50 / callerFloor.p50 <= 1.0)}; ` +
        `click → ring ${ring.p50.toFixed(0)} ms (p90 ${ring.p90.toFixed(0)} ms; goal ≤ 50 ms): ${verdict(ring.p50 <= 50)}`,
    );
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile("bench/results/call-setup.json", JSON.stringify({ date: new Date().toISOString(), calls, rows: Object.fromEntries(rows) }, null, 2));
  } finally {
    await browser.close();
    await relay.close();
    await node.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
