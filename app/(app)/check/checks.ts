// The connectivity check's probes, one function per item, no React: each
// answers pass / warn / fail with a message id of the "check" namespace
// (the fix, in one sentence) and, where there is one, a measured value.
export type Verdict = "pass" | "warn" | "fail";
export type Result = { verdict: Verdict; key: string; values?: Record<string, string | number> };
export type IceInfo = { iceServers: RTCIceServer[]; stunConfigured: boolean; turnConfigured: boolean };

export function checkBrowser(): Result {
  if (!window.isSecureContext) return { verdict: "fail", key: "browser.insecure" };
  if (typeof RTCPeerConnection !== "function" || !navigator.mediaDevices?.getUserMedia) return { verdict: "fail", key: "browser.unsupported" };
  return { verdict: "pass", key: "browser.ok" };
}

/** Camera or microphone: asks for it (the stream is the caller's to show and stop). */
export async function checkDevice(kind: "camera" | "microphone"): Promise<{ result: Result; stream: MediaStream | null }> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia(kind === "camera" ? { video: true } : { audio: true });
    return { result: { verdict: "pass", key: `${kind}.ok` }, stream };
  } catch (err) {
    const name = err instanceof DOMException ? err.name : "";
    const key = name === "NotAllowedError" || name === "SecurityError" ? `${kind}.denied` : name === "NotFoundError" || name === "OverconstrainedError" ? `${kind}.missing` : `${kind}.busy`;
    return { result: { verdict: "fail", key }, stream: null };
  }
}

/** The microphone's loudest level (0–1) over `ms` (at least ~2 s is best: a quiet room has gaps), from an AnalyserNode. */
export async function loudestLevel(stream: MediaStream, ms = 2_000, onLevel?: (level: number) => void): Promise<number> {
  const ctx = new AudioContext();
  try {
    const analyser = ctx.createAnalyser();
    // The largest window (~0.7 s at 48 kHz): a short sound between two reads is not missed.
    analyser.fftSize = 32_768;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    let loudest = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v));
      loudest = Math.max(loudest, peak);
      onLevel?.(peak);
      await new Promise((r) => setTimeout(r, 100));
    }
    return loudest;
  } finally {
    void ctx.close();
  }
}

/** A short 440 Hz tone on the default output. */
export async function playTestTone(): Promise<void> {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  gain.gain.value = 0.15;
  osc.frequency.value = 440;
  osc.connect(gain).connect(ctx.destination);
  osc.start();
  await new Promise((r) => setTimeout(r, 800));
  osc.stop();
  await ctx.close();
}

export function checkSignaling(rttMs: number | null): Result {
  if (rttMs === null) return { verdict: "fail", key: "signaling.down" };
  const values = { ms: Math.round(rttMs) };
  return rttMs < 300 ? { verdict: "pass", key: "signaling.ok", values } : { verdict: "warn", key: "signaling.slow", values };
}

/** Candidate types one peer connection gathers with these servers (at most `ms`). */
export async function gather(iceServers: RTCIceServer[], policy: RTCIceTransportPolicy, ms = 5_000): Promise<string[]> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
  const types: string[] = [];
  try {
    pc.createDataChannel("check");
    const done = new Promise<void>((resolve) => {
      pc.onicecandidate = (e) => (e.candidate ? types.push(e.candidate.type ?? "") : resolve());
      setTimeout(resolve, ms);
    });
    await pc.setLocalDescription();
    await done;
    return types;
  } finally {
    pc.close();
  }
}

export async function checkStun(ice: IceInfo): Promise<Result> {
  if (!ice.stunConfigured) return { verdict: "warn", key: "stun.notConfigured" };
  const stun = ice.iceServers.filter((s) => [s.urls].flat().some((u) => u.startsWith("stun")));
  const types = await gather(stun, "all");
  return types.includes("srflx") ? { verdict: "pass", key: "stun.ok" } : { verdict: "fail", key: "stun.noReflexive" };
}

/**
 * TURN: a relay candidate appears, then two relay-only peer connections in
 * this page exchange data through the relay (the media path a call would take).
 */
export async function checkTurn(ice: IceInfo): Promise<Result> {
  if (!ice.turnConfigured) return { verdict: "warn", key: "turn.notConfigured" };
  const turn = ice.iceServers.filter((s) => [s.urls].flat().some((u) => u.startsWith("turn")));
  const types = await gather(turn, "relay");
  if (!types.includes("relay")) return { verdict: "fail", key: "turn.noRelay" };
  const ms = await relayLoopback(turn);
  return ms === null ? { verdict: "fail", key: "turn.noPath" } : { verdict: "pass", key: "turn.ok", values: { ms: Math.round(ms) } };
}

/** Milliseconds for a message to cross a relay-only connection between two peer connections of this page; null if it never does. */
async function relayLoopback(iceServers: RTCIceServer[], ms = 10_000): Promise<number | null> {
  const a = new RTCPeerConnection({ iceServers, iceTransportPolicy: "relay" });
  const b = new RTCPeerConnection({ iceServers, iceTransportPolicy: "relay" });
  try {
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate).catch(() => undefined);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate).catch(() => undefined);
    const channel = a.createDataChannel("check");
    const received = new Promise<number>((resolve) => {
      b.ondatachannel = (e) => (e.channel.onmessage = () => resolve(performance.now()));
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const opened = new Promise<void>((resolve) => (channel.onopen = () => resolve()));
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
    if ((await Promise.race([opened, timeout])) === null) return null;
    const t0 = performance.now();
    channel.send("ping");
    const t1 = await Promise.race([received, timeout]);
    return t1 === null ? null : t1 - t0;
  } finally {
    a.close();
    b.close();
  }
}
