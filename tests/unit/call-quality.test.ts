// The in-call tools' pure parts: getStats() reports read into per-second
// numbers (stats-sampler.ts), the quality rule (quality.ts), the sender
// adaptation's ladder (quality-adapter.ts), chat messages off the wire
// (chat-channel.ts) and links in them (chat-links.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ChatChannel, parseWire } from "../../app/call/chat-channel";
import { linkify, safeHref } from "../../app/call/chat-links";
import { rateConnection, type QualityLevel } from "../../app/call/quality";
import { AdaptationPolicy, STEPS } from "../../app/call/quality-adapter";
import { readConnectionStats, StatsSampler, type ConnectionStats } from "../../app/call/stats-sampler";

type Entry = { type: string; id: string; [k: string]: unknown };

function report(o: { sent: number; received: number; lost: number; packets: number; relay?: boolean }): Entry[] {
  return [
    { type: "transport", id: "T", selectedCandidatePairId: "P" },
    { type: "candidate-pair", id: "P", localCandidateId: "L", remoteCandidateId: "R", currentRoundTripTime: 0.0424, availableOutgoingBitrate: 1_200_000, nominated: true, state: "succeeded" },
    { type: "local-candidate", id: "L", candidateType: o.relay ? "relay" : "host" },
    { type: "remote-candidate", id: "R", candidateType: "host" },
    { type: "outbound-rtp", id: "OV", kind: "video", bytesSent: o.sent, frameWidth: 640, frameHeight: 480, framesPerSecond: 20, qualityLimitationReason: "none" },
    { type: "outbound-rtp", id: "OA", kind: "audio", bytesSent: o.sent / 10 },
    { type: "inbound-rtp", id: "IV", kind: "video", bytesReceived: o.received, packetsLost: o.lost, packetsReceived: o.packets, jitter: 0.01, frameWidth: 320, frameHeight: 240, framesPerSecond: 15 },
    { type: "inbound-rtp", id: "IA", kind: "audio", bytesReceived: 5_000, packetsLost: 0, packetsReceived: 100, jitter: 0.0035 },
    { type: "remote-inbound-rtp", id: "RV", kind: "video", fractionLost: 0.05, roundTripTime: 0.05 },
  ];
}

describe("readConnectionStats", () => {
  test("rates come from the report before; the rest from this one", () => {
    const first = readConnectionStats(report({ sent: 100_000, received: 50_000, lost: 10, packets: 100 }), null, 1_000);
    assert.equal(first.stats.bitrateOut, 0, "no rate without a report before");
    assert.equal(first.stats.lossInPercent, null);
    const second = readConnectionStats(report({ sent: 200_000, received: 75_000, lost: 20, packets: 190 }), first.totals, 2_000);
    const s = second.stats;
    assert.equal(s.bitrateOut, (100_000 + 10_000) * 8);
    assert.equal(s.bitrateIn, 25_000 * 8);
    assert.equal(s.lossInPercent, 10); // 10 lost of 100
    assert.equal(s.lossOutPercent, 5);
    assert.equal(Math.round(s.rttMs!), 42, "the selected pair's RTT wins over RTCP's");
    assert.equal(s.jitterMs, 3.5, "audio jitter");
    assert.deepEqual(s.videoOut, { width: 640, height: 480, fps: 20 });
    assert.deepEqual(s.videoIn, { width: 320, height: 240, fps: 15 });
    assert.equal(s.path, "direct");
    assert.equal(s.availableOutgoingBitrate, 1_200_000);
    assert.equal(s.audioBytesIn, 5_000);
  });

  test("a relay candidate on the selected pair means relayed (TURN); a counter that went back is not a negative rate", () => {
    const first = readConnectionStats(report({ sent: 100_000, received: 50_000, lost: 0, packets: 100, relay: true }), null, 0);
    const second = readConnectionStats(report({ sent: 10, received: 10, lost: 0, packets: 1, relay: true }), first.totals, 1_000);
    assert.equal(second.stats.path, "relayed");
    assert.equal(second.stats.bitrateOut, 0);
    assert.equal(second.stats.bitrateIn, 0);
  });

  test("no selected pair yet: no path, no RTT", () => {
    const { stats } = readConnectionStats([], null, 0);
    assert.equal(stats.path, null);
    assert.equal(stats.rttMs, null);
    assert.equal(stats.videoIn, null);
  });
});

function sample(o: Partial<ConnectionStats>): ConnectionStats {
  return {
    at: 0, rttMs: 20, lossOutPercent: 0, lossInPercent: 0, jitterMs: 5, bitrateOut: 800_000, bitrateIn: 800_000,
    videoOut: { width: 640, height: 480, fps: 20 }, videoIn: null, limitedBy: "none", availableOutgoingBitrate: 2_000_000, path: "direct", audioBytesIn: 0,
    ...o,
  };
}

describe("rateConnection", () => {
  const cases: [string, Partial<ConnectionStats>, QualityLevel, QualityLevel][] = [
    ["a clean link", {}, "good", "good"],
    ["RTT 300 ms", { rttMs: 300 }, "fair", "fair"],
    ["RTT 600 ms", { rttMs: 600 }, "poor", "poor"],
    ["5% of ours lost", { lossOutPercent: 5 }, "fair", "fair"],
    ["12% of theirs lost: the link is poor, our sending is fine", { lossInPercent: 12 }, "poor", "good"],
    ["jitter 90 ms", { jitterMs: 90 }, "poor", "good"],
    ["video held back by bandwidth at 200 kbit/s", { limitedBy: "bandwidth", availableOutgoingBitrate: 200_000 }, "fair", "fair"],
    ["video held back by bandwidth at 100 kbit/s", { limitedBy: "bandwidth", availableOutgoingBitrate: 100_000 }, "poor", "poor"],
    ["a low estimate without video means nothing", { videoOut: null, limitedBy: null, availableOutgoingBitrate: 60_000 }, "good", "good"],
  ];
  for (const [name, o, level, send] of cases) {
    test(name, () => {
      const r = rateConnection(sample(o));
      assert.deepEqual({ level: r.level, send: r.send }, { level, send });
      if (o.limitedBy === "bandwidth") assert.equal(r.link, "good", "the encoder's bandwidth limit is not the link's");
    });
  }
});

describe("AdaptationPolicy", () => {
  const feed = (p: AdaptationPolicy, send: QualityLevel, n: number) => {
    let step = p.step;
    for (let i = 0; i < n; i++) step = p.next({ send, link: send, level: send });
    return step;
  };
  test("two poor seconds step down; two more, down again; never past the last step", () => {
    const p = new AdaptationPolicy();
    assert.equal(feed(p, "poor", 1), 0);
    assert.equal(feed(p, "poor", 1), 1);
    assert.equal(feed(p, "poor", 2), 2);
    assert.equal(feed(p, "poor", 10), STEPS.length);
  });
  test("fair for four seconds steps down; good for three steps up, one step at a time", () => {
    const p = new AdaptationPolicy();
    assert.equal(feed(p, "fair", 3), 0);
    assert.equal(feed(p, "fair", 1), 1);
    assert.equal(feed(p, "poor", 2), 2);
    assert.equal(feed(p, "good", 2), 2);
    assert.equal(feed(p, "good", 1), 1);
    assert.equal(feed(p, "good", 3), 0);
  });
  test("with the estimate twice what is sent, a step up goes all the way back", () => {
    const p = new AdaptationPolicy();
    feed(p, "poor", 4); // step 2
    for (let i = 0; i < 3; i++) p.next({ send: "good", link: "good", level: "good" }, 400_000, 150_000);
    assert.equal(p.step, 0);
  });
  test("no step up while the bandwidth estimate has no room above what is sent", () => {
    const p = new AdaptationPolicy();
    feed(p, "poor", 2); // step 1
    for (let i = 0; i < 20; i++) p.next({ send: "good", link: "good", level: "good" }, 220_000, 200_000);
    assert.equal(p.step, 1, "a link still full");
    // Held at its own ceiling the encoder stays bandwidth-limited (send fair): the link's own signals decide.
    for (let i = 0; i < 3; i++) p.next({ send: "fair", link: "good", level: "fair" }, 300_000, 200_000);
    assert.equal(p.step, 0);
  });
  test("a step up that goes bad at once makes the next one wait twice as long", () => {
    const p = new AdaptationPolicy();
    feed(p, "poor", 4); // step 2
    assert.equal(feed(p, "good", 3), 1);
    assert.equal(feed(p, "fair", 4), 2);
    assert.equal(feed(p, "good", 3), 2, "3 good seconds are not enough now");
    assert.equal(feed(p, "good", 3), 1);
  });
});

describe("chat wire messages", () => {
  test("a valid message parses; anything else is dropped", () => {
    const ok = { type: "chat", id: "abc-1", text: "hi <b>", sentAt: 1 };
    assert.deepEqual(parseWire(JSON.stringify(ok)), ok);
    assert.equal(parseWire("not json"), null);
    assert.equal(parseWire(JSON.stringify({ ...ok, extra: 1 })), null, "unknown keys");
    assert.equal(parseWire(JSON.stringify({ ...ok, text: "" })), null, "empty text");
    assert.equal(parseWire(JSON.stringify({ ...ok, text: "x".repeat(2_001) })), null, "too long");
    assert.equal(parseWire(JSON.stringify({ ...ok, id: "<img>" })), null, "id characters");
    assert.equal(parseWire(new ArrayBuffer(4)), null, "binary");
  });
});

describe("chat links", () => {
  test("http(s) and www. become links; trailing punctuation stays text", () => {
    assert.deepEqual(linkify("see https://example.com/a?b=1, and www.example.org."), [
      { text: "see " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: ", and " },
      { text: "www.example.org", href: "https://www.example.org/" },
      { text: "." },
    ]);
  });
  test("javascript:, data: and markup stay plain text", () => {
    for (const t of ["javascript:alert(1)", "<a href=\"javascript:alert(1)\">x</a>", "data:text/html,<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]) {
      assert.deepEqual(linkify(t), [{ text: t }], t);
    }
    assert.equal(safeHref("javascript:alert(1)"), null);
    assert.equal(safeHref("https://"), null);
    assert.deepEqual(linkify("xhttps://example.com"), [{ text: "xhttps://example.com" }]);
  });
  test("a URL with a quote cannot break out of the attribute: the parser encodes it", () => {
    const [seg] = linkify('https://e.com/"onmouseover="x').filter((s) => "href" in s) as { href: string }[];
    assert.equal(seg?.href, "https://e.com/");
  });
});

describe("StatsSampler", () => {
  test("samples while started, one getStats at a time, and never after stop", async () => {
    // No timing assertion (a loaded machine delays timers): it waits for three samples, however long they take.
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const pc = {
      connectionState: "connected" as RTCPeerConnectionState,
      getStats: async () => {
        calls++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 30)); // slower than the 20 ms interval
        inFlight--;
        return new Map() as unknown as RTCStatsReport;
      },
    };
    const sampler = new StatsSampler(pc, 20);
    const seen: number[] = [];
    sampler.subscribe((s) => seen.push(s.at));
    sampler.start();
    sampler.start(); // idempotent
    while (seen.length < 3) await new Promise((r) => setTimeout(r, 5));
    sampler.stop();
    assert.equal(maxInFlight, 1, "one getStats at a time, even when it takes longer than the interval");
    assert.ok(sampler.latest());
    const atStop = calls;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls, atStop, "no getStats after stop");
    assert.ok(seen.length >= 3 && seen.length <= atStop);
    assert.equal(sampler.running, false);
  });
});

describe("ChatChannel", () => {
  /** A stand-in for the data channel: the store only uses these members. */
  function fakeChannel() {
    const target = new EventTarget() as EventTarget & { readyState: RTCDataChannelState; sent: string[]; send: (d: string) => void };
    target.readyState = "connecting";
    target.sent = [];
    target.send = (d) => void target.sent.push(d);
    return target;
  }
  test("nothing is sent before the channel opens; unread counts only while closed; bad frames are dropped", () => {
    const dc = fakeChannel();
    const chat = new ChatChannel("call-1");
    chat.attach(dc as unknown as RTCDataChannel);
    assert.equal(chat.send("too early"), false);
    assert.equal(chat.getSnapshot().ready, false);
    dc.readyState = "open";
    dc.dispatchEvent(new Event("open"));
    assert.equal(chat.getSnapshot().ready, true);
    assert.equal(chat.send("  hello  "), true);
    assert.equal(JSON.parse(dc.sent[0]!).text, "hello");
    const incoming = (text: string) => dc.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ type: "chat", id: "m1", text, sentAt: 1 }) }));
    incoming("one");
    incoming("two");
    dc.dispatchEvent(new MessageEvent("message", { data: "<img src=x onerror=alert(1)>" }));
    assert.equal(chat.getSnapshot().unread, 2);
    chat.setOpen(true);
    assert.equal(chat.getSnapshot().unread, 0);
    incoming("three");
    assert.equal(chat.getSnapshot().unread, 0);
    assert.deepEqual(chat.getSnapshot().messages.map((m) => `${m.from}:${m.text}`), ["me:hello", "them:one", "them:two", "them:three"]);
    chat.close();
    assert.equal(chat.send("after"), false);
  });
});
