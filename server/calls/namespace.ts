// What the call service and the signaling layer share: the /signaling
// namespace's types, the room names, and the shape of a broadcast published
// with a decision. Its own file so that neither side imports the other for a
// type (service.ts and signaling/cluster-broadcast.ts once did, both ways).
import type { Namespace, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../protocol/events";
import type { MessageCounter } from "../rate-limits";
import type { Announcement } from "./store";

/** Messages between the nodes of one deployment (Socket.IO serverSideEmit). */
export type ServerSideEvents = {
  "contacts:changed": (userIds: string[]) => void;
  /** These sessions were deleted (server/realtime.ts#sessionsEnded): drop them from the cache, close their sockets. */
  "sessions:ended": (p: { userId: string; sessionIds: string[] }) => void;
  /** This user's display name changed (server/realtime.ts#userRenamed): forget their cached sessions. */
  "user:renamed": (userId: string) => void;
  /** A node started or began to shut down (its id), for the other nodes' logs. */
  "node:joined": (nodeId: string) => void;
  "node:left": (nodeId: string) => void;
};
export type SignalingNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
/** One socket of the namespace, as its handshake and handlers see it. */
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type SocketData = {
  userId: string;
  name: string;
  /** The session (server/auth/sessions.ts) the handshake's cookie named: revoking it closes this socket. */
  sid: string;
  /** The user's message counter on this node, shared by their sockets (server/signaling/user-budget.ts); set on connection. */
  messages?: MessageCounter;
  /** The client IP of the handshake (server/http/client-ip.ts), for the per-IP socket cap. */
  ip?: string;
};

/** Every socket of a user: all their tabs ring, and all stop ringing. */
export const userRoom = (userId: string) => `user:${userId}`;
/** The sockets that legitimately joined a call: the only ones its SDP/ICE reaches. */
export const callRoom = (callId: string) => `call:${callId}`;

/** Publishes a broadcast in the same Redis round trip as the decision that causes it (server/signaling/cluster-broadcast.ts). */
export type Announcer = (rooms: string[], event: string, payload: unknown) => Announcement;
