// Who hears of a call's changes: the call service decides, this tells the
// sockets (on every node, through the adapter) and keeps call-room
// membership, the relay's authorisation, in step.
import type { CallInfo, IceServer, Payload } from "../protocol/events";
import { callRoom, userRoom, type Announcer, type SignalingNamespace } from "./namespace";
import type { Announcement, StoredCall } from "./store";

export class CallNotifier {
  constructor(
    private readonly nsp: SignalingNamespace,
    /** Several nodes: the callee's ring is published with the invite's decision (server/signaling/cluster-broadcast.ts). */
    private readonly announce?: Announcer,
  ) {}

  /** The callee's ring as the store publishes it with the decision, when it can. */
  incomingAnnouncement(calleeId: string, info: (call: StoredCall) => CallInfo): ((call: StoredCall) => Announcement) | undefined {
    const announce = this.announce;
    return announce && ((call) => announce([userRoom(calleeId)], "call:incoming", { call: info(call) }));
  }

  /** Every tab of the callee rings. */
  incoming(calleeId: string, call: CallInfo): void {
    this.nsp.to(userRoom(calleeId)).emit("call:incoming", { call });
  }

  /** The caller's socket in the call hears the callee accepted (with its own ICE servers); the callee's other tabs stop ringing. */
  accepted(call: CallInfo, calleeId: string, answeringSocketId: string, callerIceServers: IceServer[], answer?: Payload<"call:accept">["answer"]): void {
    this.nsp.to(callRoom(call.id)).except(answeringSocketId).emit("call:accepted", { call, iceServers: callerIceServers, ...(answer ? { answer } : {}) });
    this.nsp.to(userRoom(calleeId)).except(answeringSocketId).emit("call:answered-elsewhere", { callId: call.id });
  }

  /** The caller's prepared offer, to every tab of the ringing callee. */
  offer(calleeId: string, p: Payload<"call:offer"> & { iceServers: IceServer[] }): void {
    this.nsp.to(userRoom(calleeId)).emit("call:offer", p);
  }

  /** Both users' tabs hear the end; the call room is emptied (its relay closes). */
  ended(participants: { callerId: string; calleeId: string }, call: CallInfo, reason: string): void {
    this.nsp.to([userRoom(participants.callerId), userRoom(participants.calleeId)]).emit("call:ended", { call, reason });
    this.nsp.in(callRoom(call.id)).socketsLeave(callRoom(call.id));
  }

  /** The other member(s) of the call hear that a participant's socket left or came back. */
  peerConnection(callId: string, connected: boolean, o: { except?: string; fresh?: boolean } = {}): void {
    const to = this.nsp.to(callRoom(callId));
    (o.except ? to.except(o.except) : to).emit("call:peer-connection", connected ? { callId, connected, fresh: o.fresh ?? false } : { callId, connected });
  }

  /** `${callId}:${userId}` for every participant with a socket in these calls' rooms, on any node. */
  async present(callIds: string[]): Promise<Set<string>> {
    const members = await this.nsp.in(callIds.map(callRoom)).fetchSockets();
    const present = new Set<string>();
    for (const s of members) for (const room of s.rooms) if (room.startsWith("call:")) present.add(`${room.slice(5)}:${s.data.userId}`);
    return present;
  }

  /** Whether this user has a socket in the call's room on any node. */
  async isPresent(callId: string, userId: string): Promise<boolean> {
    const members = await this.nsp.in(callRoom(callId)).fetchSockets();
    return members.some((s) => s.data.userId === userId);
  }

  /**
   * Only one socket per user in a call: the user's other sockets in it (a
   * dead tab) are moved out and told. Best effort: right after a node died,
   * cross-node requests time out until the adapter drops it; a rejoin must
   * not wait for that.
   */
  async moveOutOthers(callId: string, userId: string, keepSocketId: string): Promise<void> {
    const members = await this.nsp
      .in(callRoom(callId))
      .fetchSockets()
      .catch(() => []);
    for (const s of members) {
      if (s.data.userId === userId && s.id !== keepSocketId) {
        s.leave(callRoom(callId));
        s.emit("call:answered-elsewhere", { callId });
      }
    }
  }

  /** The acting socket joins the call room: directly when it is on this node (it always is: it sent the event). */
  join(socketId: string, callId: string): void {
    const local = this.nsp.sockets.get(socketId);
    if (local) void local.join(callRoom(callId));
    else this.nsp.in(socketId).socketsJoin(callRoom(callId));
  }

  leave(socketId: string, callId: string): void {
    const local = this.nsp.sockets.get(socketId);
    if (local) local.leave(callRoom(callId));
    else this.nsp.in(socketId).socketsLeave(callRoom(callId));
  }
}
