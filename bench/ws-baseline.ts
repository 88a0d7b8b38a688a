// B1's baseline: the floor for signaling on this machine. A minimal raw `ws`
// relay carrying the same messages as Dialtone (same event names, payloads of
// the same shape, an ack for every client message), with everything Dialtone
// adds left out: no auth (the user id is in the URL), no database (calls live
// in a Map), no validation, no rate limits, no Socket.IO framing or heartbeats.
//   node --import tsx bench/ws-baseline.ts   (started by bench/signaling.ts)
//
// Wire format: client → server {e, p, a} (event, payload, ack id); server →
// client {e, p} (an event) or {a, r} (the ack for a).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { benchCallInfo } from "./call-info";
import { serveStats } from "./proc";

type Msg = { e: string; p: Record<string, unknown>; a?: number };
type Call = { id: string; callerId: string; calleeId: string; members: Set<WebSocket>; info: Record<string, unknown> };

const httpServer = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
const wss = new WebSocketServer({ server: httpServer, maxPayload: 64_000 });
const sockets = new Map<string, Set<WebSocket>>();
const calls = new Map<string, Call>();

const push = (ws: WebSocket, e: string, p: unknown) => ws.send(JSON.stringify({ e, p }));
const toUser = (userId: string, e: string, p: unknown) => {
  const data = JSON.stringify({ e, p });
  for (const ws of sockets.get(userId) ?? []) ws.send(data);
};

function handle(ws: WebSocket, userId: string, m: Msg): Record<string, unknown> {
  switch (m.e) {
    case "call:invite": {
      const calleeId = String(m.p.calleeId);
      const info = benchCallInfo(userId, calleeId, m.p.kind);
      const id = info.id;
      calls.set(id, { id, callerId: userId, calleeId, members: new Set([ws]), info });
      toUser(calleeId, "call:incoming", { call: info });
      return { call: info };
    }
    case "call:accept": {
      const call = calls.get(String(m.p.callId));
      if (!call) return { ok: false, code: "not_found" };
      call.info = { ...call.info, status: "active", answeredAt: new Date().toISOString() };
      for (const peer of call.members) push(peer, "call:accepted", { call: call.info, iceServers: [] });
      call.members.add(ws);
      return { call: call.info, iceServers: [] };
    }
    case "signal:description":
    case "signal:candidate": {
      const call = calls.get(String(m.p.callId));
      if (!call) return { ok: false, code: "not_in_call" };
      const data = JSON.stringify({ e: m.e, p: m.p });
      for (const peer of call.members) if (peer !== ws) peer.send(data);
      return {};
    }
    case "call:hangup": {
      const call = calls.get(String(m.p.callId));
      if (!call) return { ok: false, code: "not_found" };
      calls.delete(call.id);
      call.info = { ...call.info, status: "ended", outcome: "completed", endedAt: new Date().toISOString() };
      for (const u of [call.callerId, call.calleeId]) toUser(u, "call:ended", { call: call.info, reason: "hangup" });
      return { call: call.info };
    }
    default:
      return { ok: false, code: "invalid_payload" };
  }
}

wss.on("connection", (ws, req) => {
  const userId = new URL(req.url ?? "/", "http://x").searchParams.get("u") ?? "";
  let mine = sockets.get(userId);
  if (!mine) sockets.set(userId, (mine = new Set()));
  mine.add(ws);
  ws.on("message", (data) => {
    const m = JSON.parse(data.toString()) as Msg;
    const r = handle(ws, userId, m);
    if (m.a !== undefined) ws.send(JSON.stringify({ a: m.a, r: { ok: true, ...r } }));
  });
  ws.on("close", () => {
    mine.delete(ws);
    if (mine.size === 0) sockets.delete(userId);
  });
});

httpServer.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => serveStats((httpServer.address() as AddressInfo).port));
process.once("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  httpServer.close();
  process.exit(0);
});
