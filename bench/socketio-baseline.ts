// B1's second reference: plain Socket.IO (4.8, websocket transport only, as
// Dialtone runs it) carrying the same messages as ws-baseline.ts: rooms per
// user and per call, an ack for every client message, and nothing else: no
// auth (the user id is in the query), no database, no validation, no rate
// limits, no connection-state recovery. Not a goal's floor (that is raw `ws`);
// it shows how much of the budget the mandated transport takes by itself.
//   node --import tsx bench/socketio-baseline.ts   (started by bench/signaling.ts)
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { benchCallInfo } from "./call-info";
import { serveStats } from "./proc";

type Call = { id: string; callerId: string; calleeId: string; info: Record<string, unknown> };
type Ack = (r: Record<string, unknown>) => void;

const httpServer = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
const io = new Server(httpServer, { transports: ["websocket"], serveClient: false, maxHttpBufferSize: 64_000 });
const nsp = io.of("/signaling");
const calls = new Map<string, Call>();

function handle(socket: Socket, userId: string, event: string, p: Record<string, unknown>): Record<string, unknown> {
  switch (event) {
    case "call:invite": {
      const calleeId = String(p.calleeId);
      const info = benchCallInfo(userId, calleeId, p.kind);
      const id = info.id;
      calls.set(id, { id, callerId: userId, calleeId, info });
      void socket.join(`call:${id}`);
      nsp.to(`user:${calleeId}`).emit("call:incoming", { call: info });
      return { call: info };
    }
    case "call:accept": {
      const call = calls.get(String(p.callId));
      if (!call) return { ok: false, code: "not_found" };
      call.info = { ...call.info, status: "active", answeredAt: new Date().toISOString() };
      nsp.to(`call:${call.id}`).emit("call:accepted", { call: call.info, iceServers: [] });
      void socket.join(`call:${call.id}`);
      return { call: call.info, iceServers: [] };
    }
    case "signal:description":
    case "signal:candidate": {
      const callId = String(p.callId);
      if (!socket.rooms.has(`call:${callId}`)) return { ok: false, code: "not_in_call" };
      socket.to(`call:${callId}`).emit(event, p);
      return {};
    }
    case "call:hangup": {
      const call = calls.get(String(p.callId));
      if (!call) return { ok: false, code: "not_found" };
      calls.delete(call.id);
      call.info = { ...call.info, status: "ended", outcome: "completed", endedAt: new Date().toISOString() };
      nsp.to([`user:${call.callerId}`, `user:${call.calleeId}`]).emit("call:ended", { call: call.info, reason: "hangup" });
      nsp.in(`call:${call.id}`).socketsLeave(`call:${call.id}`);
      return { call: call.info };
    }
    default:
      return { ok: false, code: "invalid_payload" };
  }
}

nsp.on("connection", (socket) => {
  const userId = String(socket.handshake.query.u ?? "");
  void socket.join(`user:${userId}`);
  socket.onAny((event: string, payload: Record<string, unknown>, ack?: Ack) => {
    const r = handle(socket, userId, event, payload);
    ack?.({ ok: true, ...r });
  });
});

httpServer.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => serveStats((httpServer.address() as AddressInfo).port));
process.once("SIGTERM", () => {
  io.close();
  process.exit(0);
});
