// The browser side of the signaling contract: a typed Socket.IO client for the
// /signaling namespace and a promise-returning request helper.
import { io, type Socket } from "socket.io-client";
import type { Ack, AckData, ClientEventName, ClientToServerEvents, Payload, ServerToClientEvents } from "@/server/protocol/events";

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSignaling(): SignalingSocket {
  return io("/signaling", { transports: ["websocket"], withCredentials: true, autoConnect: false });
}

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Emit a client→server event and resolve with its ack (rejects with RequestError). */
export async function request<E extends ClientEventName>(
  socket: SignalingSocket,
  event: E,
  payload: Payload<E>,
  timeoutMs = 10_000,
): Promise<Extract<Ack<AckData[E]>, { ok: true }>> {
  let res: Ack<AckData[E]>;
  try {
    const emitter = socket.timeout(timeoutMs) as unknown as {
      emitWithAck: (e: string, p: unknown) => Promise<Ack<AckData[E]>>;
    };
    res = await emitter.emitWithAck(event, payload);
  } catch {
    throw new RequestError("timeout", "The server did not answer. Check your connection.");
  }
  if (!res.ok) throw new RequestError(res.code, res.message);
  return res as Extract<Ack<AckData[E]>, { ok: true }>;
}
