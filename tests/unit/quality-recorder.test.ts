// The per-call quality record as the browser gathers it (quality-recorder.ts):
// connected seconds only, median and worst RTT, mean loss, the best received
// video, restarts and reconnections across peer connections of one call, and
// the step a failed call failed at. A fake session and sampler: the point is
// the summing, not WebRTC (the e2e quality spec runs it on real calls).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PeerSession, PeerState } from "../../app/call/peer-session";
import { failureStep, ICE_GIVE_UP_MS, QualityRecorder } from "../../app/call/quality-recorder";
import type { ConnectionStats, StatsSampler } from "../../app/call/stats-sampler";
import { qualityRecordSchema } from "../../server/quality/record";

function fakeSession() {
  let state: PeerState = "connecting";
  const fns = new Set<(s: PeerState) => void>();
  const session = {
    iceRestarts: 0,
    getState: () => state,
    on: (_e: "state", fn: (s: PeerState) => void) => (fns.add(fn), () => fns.delete(fn)),
  };
  const set = (s: PeerState) => {
    state = s;
    fns.forEach((fn) => fn(s));
  };
  return { session, set, asPeer: session as unknown as PeerSession };
}

function fakeSampler() {
  const fns = new Set<(s: ConnectionStats) => void>();
  const sampler = { subscribe: (fn: (s: ConnectionStats) => void) => (fns.add(fn), () => fns.delete(fn)) };
  return { emit: (s: ConnectionStats) => fns.forEach((fn) => fn(s)), asSampler: sampler as unknown as StatsSampler, listeners: () => fns.size };
}

const stats = (o: Partial<ConnectionStats>): ConnectionStats => ({
  at: 0, rttMs: 20, lossOutPercent: 0, lossInPercent: 0, jitterMs: 5, bitrateOut: 800_000, bitrateIn: 600_000,
  videoOut: null, videoIn: { width: 320, height: 240, fps: 15 }, limitedBy: "none", availableOutgoingBitrate: 2_000_000, path: "direct", audioBytesIn: 0,
  ...o,
});

const end = { endedBy: "me" as const, mediaDenied: false, answeredForMs: 30_000 };

describe("QualityRecorder", () => {
  test("sums connected seconds only, and the result passes the server's schema", () => {
    const rec = new QualityRecorder("c1");
    const { set, asPeer } = fakeSession();
    const sampler = fakeSampler();
    rec.attach(asPeer, sampler.asSampler);
    sampler.emit(stats({ rttMs: 999 })); // still connecting: not counted
    set("connected");
    for (const rtt of [10, 30, 20, 200, 25]) sampler.emit(stats({ rttMs: rtt, lossInPercent: rtt === 200 ? 10 : 0 }));
    sampler.emit(stats({ videoIn: { width: 640, height: 480, fps: 29.6 }, rttMs: 22 }));
    rec.firstFrame(180.4);
    const { record, level } = rec.finish(end);
    assert.equal(record.connectedSeconds, 6);
    assert.equal(record.rttMedianMs, 24, "median of 10 20 22 25 30 200: (22 + 25) / 2");
    assert.equal(record.rttMaxMs, 200);
    assert.equal(record.lossPercent, 1.67);
    assert.equal(record.bitrateOutKbps, 800);
    assert.equal(record.bitrateInKbps, 600);
    assert.deepEqual([record.videoWidth, record.videoHeight, record.fps], [640, 480, 30]);
    assert.equal(record.path, "direct");
    assert.equal(record.setupMs, 180);
    assert.equal(record.failure, null);
    assert.equal(level, "good");
    assert.equal(sampler.listeners(), 0, "finish lets the sampler go");
    qualityRecordSchema.parse(record);
  });

  test("a drop and a new peer connection of the same call count as reconnections; restarts add up", () => {
    const rec = new QualityRecorder("c1");
    const first = fakeSession();
    const s1 = fakeSampler();
    rec.attach(first.asPeer, s1.asSampler);
    first.set("connected");
    first.set("reconnecting");
    first.session.iceRestarts = 2;
    first.set("connected");
    const second = fakeSession();
    second.session.iceRestarts = 1;
    rec.attach(second.asPeer, fakeSampler().asSampler); // the page rejoined with a new connection
    assert.equal(s1.listeners(), 0, "the old sampler is let go");
    second.set("connected");
    const { record, level } = rec.finish(end);
    assert.equal(record.reconnections, 2);
    assert.equal(record.iceRestarts, 3);
    assert.equal(level, null, "no samples: nothing measured");
  });

  test("the failure step: media first, then ICE (failed, or no connection after a while), then signaling", () => {
    assert.equal(failureStep({ ...end, mediaDenied: true }, true, false), "media_permission");
    assert.equal(failureStep(end, false, true), "ice");
    assert.equal(failureStep({ ...end, answeredForMs: ICE_GIVE_UP_MS }, false, false), "ice");
    assert.equal(failureStep({ ...end, answeredForMs: 2_000 }, false, false), null, "hung up while still connecting");
    assert.equal(failureStep({ ...end, endedBy: "lost" }, true, false), "signaling");
    assert.equal(failureStep(end, true, false), null);
    // Seen through the recorder: the browser said "failed" before ever connecting.
    const rec = new QualityRecorder("c2");
    const s = fakeSession();
    rec.attach(s.asPeer, fakeSampler().asSampler);
    s.set("reconnecting");
    assert.equal(rec.finish({ ...end, answeredForMs: 3_000 }).record.failure, "ice");
  });
});
