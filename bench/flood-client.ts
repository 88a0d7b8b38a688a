// The flooding user of bench/flood.ts, in a process of its own (started by
// the bench through fork; pinned away from the node): `FLOOD_SOCKETS` sockets
// of one user (the cookie in FLOOD_COOKIE) send at full speed while the bench
// says so, a mix an abuser would send: relay events for a call they are not
// in, invites, unknown events, oversized payloads and empty syncs. A socket
// the node disconnects is replaced at once, as an abusive client would.
// IPC: "start" / "stop" (answers { type: "report", … } with counts since start).
import { io, type Socket } from "socket.io-client";

const url = process.env.FLOOD_URL!;
const cookie = process.env.FLOOD_COOKIE!;
const target = process.env.FLOOD_TARGET!; // a contact of the flooder's, offline
const SOCKETS = Number(process.env.FLOOD_SOCKETS ?? 20);
/** The flooder's own source address (its own "IP", for the per-IP limits), e.g. 127.0.0.2. */
const localAddress = process.env.FLOOD_ADDRESS;
const send = process.send!.bind(process);

const strangerCall = "cnotthefloodersown000000";
const big = "x".repeat(60_000); // under the 64 KB frame, over every field's limit
const mix: [string, unknown][] = [
  ["signal:candidate", { callId: strangerCall, candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } }],
  ["signal:description", { callId: strangerCall, description: { type: "offer", sdp: "v=0\r\n" } }],
  ["call:invite", { calleeId: target, kind: "audio" }],
  ["no:such-event", { a: 1 }],
  ["signal:description", { callId: strangerCall, description: { type: "offer", sdp: big } }],
  ["call:hangup", { callId: strangerCall }],
  ["session:sync", {}],
];
// FLOOD_MIX=small (analysis only): without the oversized payload, to tell its cost from the rest.
if (process.env.FLOOD_MIX === "small") mix.splice(4, 1);

let running = false;
const c = { sent: 0, ok: 0, rateLimited: 0, otherError: 0, disconnects: 0, refused: 0, reasons: {} as Record<string, number> };
const reset = () => Object.assign(c, { sent: 0, ok: 0, rateLimited: 0, otherError: 0, disconnects: 0, refused: 0, reasons: {} });
/** Every socket open or opening: "stop" closes them all (one left open would hold a slot of the 20). */
const live = new Set<Socket>();

function open(): void {
  if (!running) return;
  const s = io(`${url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie }, ...(localAddress ? { localAddress } : {}) });
  live.add(s);
  s.once("connect", () => pump(s, 0));
  s.once("connect_error", (err) => {
    live.delete(s);
    c.refused++;
    c.reasons[`refused ${err.message}`] = (c.reasons[`refused ${err.message}`] ?? 0) + 1;
    s.close();
    setTimeout(open, 20);
  });
  s.once("disconnect", (reason) => {
    live.delete(s);
    if (running) {
      c.disconnects++;
      c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
      setImmediate(open);
    }
  });
}

/** As fast as the socket drains: a batch whenever its write buffers are nearly empty. */
function pump(s: Socket, i: number): void {
  if (!running || !s.connected) return;
  const engine = s.io.engine as unknown as { writeBuffer: unknown[]; transport?: { ws?: { bufferedAmount: number } } };
  if (engine.writeBuffer.length < 64 && (engine.transport?.ws?.bufferedAmount ?? 0) < 256 * 1024) {
    for (let k = 0; k < 32; k++, i++) {
      const [event, payload] = mix[i % mix.length]!;
      c.sent++;
      s.emit(event, payload, (res: { ok?: boolean; code?: string }) => {
        if (res?.ok) c.ok++;
        else if (res?.code === "rate_limited") c.rateLimited++;
        else c.otherError++;
      });
    }
  }
  setImmediate(() => pump(s, i));
}

process.on("message", (m: { type: string }) => {
  if (m.type === "start") {
    reset();
    running = true;
    for (let i = 0; i < SOCKETS; i++) open();
  } else if (m.type === "stop") {
    running = false;
    for (const s of live) s.disconnect();
    live.clear();
    send({ type: "report", ...c });
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
