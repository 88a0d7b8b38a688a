// The call service: every lifecycle change goes through here. Each transition
// is decided by the call store (server/calls/store.ts: in memory on one node, a
// conditional update in the database on several), then the sockets involved
// are told, then the actor is answered once the database has the change.
// Timers are only a fast path: the periodic sweep closes whatever a timer
// missed (e.g. after a restart).
import type { Namespace } from "socket.io";
import { MemoryLocks, type KeyedLocks } from "../locks";
import type { MessageCounter } from "../rate-limits";
import { contactName, type ContactDirectory } from "../contacts/directory";
import { DialtoneError } from "../call/errors";
import type { CallInfo, CallKind, ClientToServerEvents, IceServer, ServerToClientEvents } from "../call/protocol";
import { transition, type CallEvent, type Role } from "../call/state-machine";
import type { CallStore, LiveRef, StoredCall } from "./store";

/** Messages between the nodes of one deployment (Socket.IO serverSideEmit). */
export type ServerSideEvents = { "contacts:changed": (userIds: string[]) => void };
export type SignalingNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type SocketData = {
  userId: string;
  name: string;
  /** This socket's messages in the current second (server/rate-limits.ts#MessageLimit), made on its first message. */
  messages?: MessageCounter;
};

export type CallServiceOptions = {
  store: CallStore;
  directory: ContactDirectory;
  nsp: SignalingNamespace;
  ringTimeoutMs: number;
  /** How long after the ring time its timer fires (the sweep is the backstop); 50 ms unless a test says otherwise. */
  ringTimerSlackMs?: number;
  graceMs: number;
  /** ICE servers for one participant: TURN credentials are signed per user (server/ice.ts). */
  iceServers: (userId: string) => IceServer[];
  /**
   * Invites and accepts that involve the same user run one at a time (they
   * read who is busy, then write). In memory for one node, Redis for several.
   */
  locks?: KeyedLocks;
  /** Called after a user's call state changed (presence). */
  onPresenceChange?: (userIds: string[]) => void;
};

export const userRoom = (userId: string) => `user:${userId}`;
export const callRoom = (callId: string) => `call:${callId}`;

export class CallService {
  private readonly ringTimers = new Map<string, NodeJS.Timeout>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | undefined;

  private readonly locks: KeyedLocks;

  constructor(private readonly o: CallServiceOptions) {
    this.locks = o.locks ?? new MemoryLocks();
  }

  start(sweepEveryMs = 5_000): void {
    if (this.stopped) return;
    this.sweepTimer = setInterval(() => {
      void this.sweep().catch(() => undefined);
      void this.sweepAbandoned().catch(() => undefined);
    }, sweepEveryMs);
    this.sweepTimer.unref();
    // A (re)started node has no grace timers: a call that was active when a
    // process stopped would otherwise stay active for good (both users Busy).
    void this.sweepAbandoned().catch(() => undefined);
  }

  private stopped = false;

  stop(): void {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const t of this.ringTimers.values()) clearTimeout(t);
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.ringTimers.clear();
    this.graceTimers.clear();
  }

  /**
   * Invites run one at a time per user (locks on caller and callee): the busy
   * checks and the insert below are separate queries, and two interleaved
   * invites (two callers ringing one callee, or one caller's two tabs) both saw
   * "not busy" and both rang. The same locks make glare (two users ringing each
   * other at once) resolve to one call: the second invite answers the first.
   * `socketId` is the inviting socket: it joins the call room.
   */
  invite(
    callerId: string,
    calleeId: string,
    kind: CallKind,
    socketId: string,
    /** The ring limit's verdict, asked while the locks are taken (each a Redis round trip on several nodes). */
    admitted: Promise<void> = Promise.resolve(),
  ): Promise<{ call: CallInfo; iceServers?: IceServer[] }> {
    admitted.catch(() => undefined); // awaited below; never unhandled if the locks fail first
    return this.locks.withLocks([callerId, calleeId], async () => {
      await admitted;
      return this.inviteNow(callerId, calleeId, kind, socketId);
    });
  }

  private async inviteNow(
    callerId: string,
    calleeId: string,
    kind: CallKind,
    socketId: string,
  ): Promise<{ call: CallInfo; iceServers?: IceServer[] }> {
    const { store } = this.o;
    const caller = callerId === calleeId ? null : await this.o.directory.entry(callerId);
    const calleeName = caller ? contactName(caller, calleeId) : undefined;
    if (!caller || calleeName === undefined) throw new DialtoneError("not_contact");
    const names = { caller: { id: callerId, name: caller.name }, callee: { id: calleeId, name: calleeName } };
    const now = new Date();
    // Every busy check below reads this one list.
    let live = await store.liveInvolving([callerId, calleeId]);
    // Finish expired rings of these two users first so they do not count as
    // "busy" (everyone else's are closed by their timers and the sweep).
    const expired = live.filter((c) => c.status === "ringing" && c.ringExpiresAt.getTime() <= now.getTime());
    for (const c of expired) await this.timeout(c.id);
    live = live.filter((c) => !expired.includes(c));
    const involves = (c: LiveRef, userId: string) => c.callerId === userId || c.calleeId === userId;
    // The caller cannot place a call while in an active call or while a call
    // they placed still rings; a call merely ringing FOR them does not stop them.
    if (live.some((c) => (c.status === "active" && involves(c, callerId)) || (c.status === "ringing" && c.callerId === callerId))) {
      throw new DialtoneError("caller_busy");
    }
    // Glare: the callee is ringing this caller right now (both pressed Call at
    // once). Answering that call is what both want; placing a second one would
    // only make it "busy" against the first, and neither side could answer.
    const crossing = live.find((c) => c.status === "ringing" && c.callerId === calleeId && c.calleeId === callerId);
    if (crossing) {
      try {
        return await this.acceptNow(crossing.id, callerId, socketId);
      } catch (err) {
        // It stopped ringing a moment ago (cancelled, timed out): place the call as usual.
        if (!(err instanceof DialtoneError && err.code === "invalid_state")) throw err;
        live = live.filter((c) => c !== crossing);
      }
    }
    // The callee is "Busy" in any live call (active, or ringing either way).
    const calleeLive = live.some((c) => involves(c, calleeId));
    if (calleeLive) {
      const busy = await store.create({
        callerId,
        calleeId,
        kind,
        status: "ended",
        outcome: "busy",
        endReason: "callee_busy",
        ringExpiresAt: now,
        endedAt: now,
        ...names,
      });
      await busy.persisted;
      return { call: publicInfo(busy.call) };
    }
    const created = await store.create({
      callerId,
      calleeId,
      kind,
      status: "ringing",
      ringExpiresAt: new Date(now.getTime() + this.o.ringTimeoutMs),
      ...names,
    });
    const call = publicInfo(created.call);
    // The caller's socket joins the call room before anyone can accept (still
    // under the locks), so call:accepted always finds it.
    await this.joinCall(socketId, call.id);
    this.o.nsp.to(userRoom(calleeId)).emit("call:incoming", { call });
    const timer = setTimeout(() => void this.timeout(call.id).catch(() => undefined), this.o.ringTimeoutMs + (this.o.ringTimerSlackMs ?? 50));
    timer.unref();
    this.ringTimers.set(call.id, timer);
    await this.settle(created.call, created.persisted);
    return { call };
  }

  /**
   * Wait for the database to have a ring or an accept the others were already
   * told about (the actor's ack waits for it, so whatever the actor does next
   * finds the row). If it cannot be written the call is over for both.
   */
  private async settle(call: StoredCall, persisted: Promise<void>): Promise<void> {
    if (!(await written(persisted))) {
      this.unwritten(call);
      throw new DialtoneError("internal");
    }
  }

  /** A live call that could not be written ends as failed (server_error) for both sides. */
  private unwritten(call: StoredCall): void {
    const now = new Date();
    void this.o.store.transition(call.id, call.status, { status: "ended", outcome: "failed", endReason: "server_error", endedAt: now }).catch(() => undefined);
    const ended: CallInfo = { ...publicInfo(call), status: "ended", outcome: "failed", endedAt: now.toISOString() };
    this.clearRingTimer(call.id);
    this.o.nsp.to([userRoom(call.callerId), userRoom(call.calleeId)]).emit("call:ended", { call: ended, reason: "server_error" });
    this.o.nsp.in(callRoom(call.id)).socketsLeave(callRoom(call.id));
  }

  /**
   * The callee's device accepts. Exactly one device can win. Nobody is ever in
   * two calls: a callee already in an active call cannot accept another, and
   * accepting cancels the callee's own outgoing ring.
   */
  async accept(callId: string, userId: string, socketId: string): Promise<{ call: CallInfo; iceServers: IceServer[] }> {
    const target = await this.asActor(userId, () => this.o.store.participants(callId));
    if (!target || (target.callerId !== userId && target.calleeId !== userId)) throw new DialtoneError("not_found");
    return this.locks.withLocks([target.callerId, target.calleeId], () => this.acceptNow(callId, userId, socketId));
  }

  private async acceptNow(callId: string, userId: string, socketId: string): Promise<{ call: CallInfo; iceServers: IceServer[] }> {
    const { store, nsp } = this.o;
    const mine = await store.liveInvolving([userId]);
    const inCall = mine.find((c) => c.status === "active");
    if (inCall && inCall.id !== callId) {
      const target = await store.participants(callId);
      if (!target || (target.callerId !== userId && target.calleeId !== userId)) throw new DialtoneError("not_found");
      throw new DialtoneError("caller_busy");
    }
    const now = new Date();
    const { won, persisted } = await store.transition(callId, "ringing", { status: "active", answeredAt: now }, { calleeId: userId, ringExpiresAfter: now });
    const current = await store.find(callId);
    if (!current || (current.callerId !== userId && current.calleeId !== userId)) throw new DialtoneError("not_found");
    if (!won) {
      if (current.calleeId !== userId) throw new DialtoneError("invalid_state");
      if (current.status === "active") throw new DialtoneError("answered_elsewhere");
      if (current.status === "ringing") {
        // Ring time is over but the timer has not fired yet: close it now.
        await this.timeout(callId);
      }
      throw new DialtoneError("invalid_state");
    }
    this.clearRingTimer(callId);
    const { callerId, calleeId, ...call } = current;
    // Each participant gets TURN credentials signed for themselves.
    const iceServers = this.o.iceServers(userId);
    await this.joinCall(socketId, callId);
    // Only the caller's socket that placed (or rejoined) the call is in its room.
    nsp.to(callRoom(callId)).except(socketId).emit("call:accepted", { call, iceServers: this.o.iceServers(callerId) });
    nsp.to(userRoom(calleeId)).except(socketId).emit("call:answered-elsewhere", { callId });
    const ownRings = mine.filter((c) => c.status === "ringing" && c.callerId === userId && c.id !== callId);
    for (const ring of ownRings) {
      const c = await store.find(ring.id);
      if (c) await this.applyAs(c, userId, { type: "cancel", by: "caller" }).catch(() => undefined);
    }
    this.o.onPresenceChange?.([callerId, calleeId]);
    await this.settle(current, persisted);
    return { call, iceServers };
  }

  decline(callId: string, userId: string) {
    return this.apply(callId, userId, (role) => ({ type: "decline", by: role }));
  }

  cancel(callId: string, userId: string) {
    return this.apply(callId, userId, (role) => ({ type: "cancel", by: role }));
  }

  hangup(callId: string, userId: string) {
    return this.apply(callId, userId, (role) => ({ type: "hangup", by: role }));
  }

  /** Ring time over (timer or sweep). A no-op when the call already moved on. */
  async timeout(callId: string): Promise<void> {
    const call = await this.o.store.find(callId);
    if (!call || call.status !== "ringing") return;
    if (new Date(call.ringExpiresAt).getTime() > Date.now()) return;
    await this.applyAs(call, null, { type: "timeout" }).catch(() => undefined);
  }

  /** Close calls nobody closed: rings past their time (any node's). */
  async sweep(now = new Date()): Promise<number> {
    const expired = await this.o.store.expiredRinging(now);
    for (const id of expired) await this.timeout(id);
    return expired.length;
  }

  /**
   * Active calls whose participant has no socket in the call's room on any
   * node (e.g. the node holding it died) get the grace period; when it passes
   * with nobody back, the call ends as failed. Every node runs this; the
   * conditional update lets exactly one of them record the end.
   */
  async sweepAbandoned(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.o.store.active();
    if (rows.length === 0) return;
    const members = await this.o.nsp.in(rows.map((r) => callRoom(r.id))).fetchSockets();
    const present = new Set<string>();
    for (const s of members) for (const room of s.rooms) if (room.startsWith("call:")) present.add(`${room.slice(5)}:${s.data.userId}`);
    for (const r of rows) {
      for (const userId of [r.callerId, r.calleeId]) {
        const key = `${r.id}:${userId}`;
        if (!present.has(key) && !this.graceTimers.has(key)) this.socketLeftCalls(userId, [r.id]);
      }
    }
  }

  /** A participant's socket may (re)join a live call: after a reload or reconnect. */
  async rejoin(callId: string, userId: string, socketId: string, fresh = false): Promise<{ call: CallInfo; iceServers: IceServer[] }> {
    const { nsp } = this.o;
    const current = await this.asActor(userId, () => this.o.store.find(callId));
    if (!current || (current.callerId !== userId && current.calleeId !== userId)) throw new DialtoneError("not_found");
    const isCallerRinging = current.status === "ringing" && current.callerId === userId;
    if (current.status !== "active" && !isCallerRinging) throw new DialtoneError("invalid_state");
    // Only one socket per user in a call: an older one (a dead tab) is moved out.
    // Best effort: right after a node died, cross-node requests time out until
    // the adapter drops it; the rejoin must not wait for that.
    const members = await nsp
      .in(callRoom(callId))
      .fetchSockets()
      .catch(() => []);
    for (const s of members) {
      if (s.data.userId === userId && s.id !== socketId) {
        s.leave(callRoom(callId));
        s.emit("call:answered-elsewhere", { callId });
      }
    }
    await this.joinCall(socketId, callId);
    this.clearGraceTimer(callId, userId);
    nsp.to(callRoom(callId)).except(socketId).emit("call:peer-connection", { callId, connected: true, fresh });
    return { call: publicInfo(current), iceServers: this.o.iceServers(userId) };
  }

  /**
   * A socket that was in call rooms went away. Each call keeps going for the
   * grace period; if no socket of that user is back in the room by then, it ends.
   */
  socketLeftCalls(userId: string, callIds: string[]): void {
    for (const callId of callIds) {
      this.o.nsp.to(callRoom(callId)).emit("call:peer-connection", { callId, connected: false });
      const key = `${callId}:${userId}`;
      if (this.graceTimers.has(key)) continue;
      const t = setTimeout(() => {
        this.graceTimers.delete(key);
        void this.endIfAbandoned(callId, userId).catch(() => undefined);
      }, this.o.graceMs);
      t.unref();
      this.graceTimers.set(key, t);
    }
  }

  async sessionState(userId: string) {
    const rows = await this.o.store.liveOf(userId, new Date());
    const calls = rows.map((r) => ({ info: publicInfo(r), callerId: r.callerId }));
    return {
      incoming: calls.filter((c) => c.info.status === "ringing" && c.callerId !== userId).map((c) => c.info),
      outgoing: calls.find((c) => c.info.status === "ringing" && c.callerId === userId)?.info ?? null,
      active: calls.find((c) => c.info.status === "active")?.info ?? null,
    };
  }

  private async endIfAbandoned(callId: string, userId: string): Promise<void> {
    const members = await this.o.nsp.in(callRoom(callId)).fetchSockets();
    if (members.some((s) => s.data.userId === userId)) return;
    const call = await this.o.store.find(callId);
    if (!call || call.status === "ended") return;
    await this.applyAs(call, null, { type: "fail", reason: "connection_lost" }).catch(() => undefined);
  }

  private async apply(callId: string, userId: string, event: (role: Role) => CallEvent): Promise<CallInfo> {
    const call = await this.asActor(userId, () => this.o.store.find(callId));
    if (!call || (call.callerId !== userId && call.calleeId !== userId)) throw new DialtoneError("not_found");
    const role: Role = call.callerId === userId ? "caller" : "callee";
    return this.applyAs(call, userId, event(role));
  }

  private async applyAs(call: StoredCall, actorId: string | null, event: CallEvent): Promise<CallInfo> {
    const result = transition({ status: call.status, outcome: call.outcome }, event);
    if (!result.ok) throw new DialtoneError("invalid_state");
    const now = new Date();
    const { won, persisted } = await this.o.store.transition(call.id, call.status, {
      status: result.next.status,
      outcome: result.next.outcome,
      endReason: result.reason,
      endedById: actorId,
      endedAt: now,
    });
    if (!won) {
      // Someone else moved it first (accepted, or ended): report the state it is in.
      throw new DialtoneError("invalid_state");
    }
    this.clearRingTimer(call.id);
    this.clearGraceTimer(call.id, call.callerId);
    this.clearGraceTimer(call.id, call.calleeId);
    // The conditional update above won, so the row is exactly `call` with these
    // fields changed: no need to read it back.
    const { callerId, calleeId, ...before } = call;
    const info: CallInfo = { ...before, status: result.next.status, outcome: result.next.outcome, endedAt: now.toISOString() };
    // An end is not on anyone's latency path: it is written before anyone is
    // told, so a history read right after call:ended finds it. One that cannot
    // be written is still an end for both sides; the actor hears of the failure.
    const stored = await written(persisted);
    const { nsp } = this.o;
    nsp.to([userRoom(callerId), userRoom(calleeId)]).emit("call:ended", { call: info, reason: result.reason });
    nsp.in(callRoom(call.id)).socketsLeave(callRoom(call.id));
    if (call.status === "active") this.o.onPresenceChange?.([callerId, calleeId]);
    if (!stored) throw new DialtoneError("internal");
    return info;
  }

  /**
   * Look up a call a user names. A call may ring before its row is visible
   * (see CallStore.announcedBeforeVisible): on a miss, wait for that user's
   * lock (held by the invite until the row is written) and look again.
   */
  private async asActor<T>(userId: string, lookup: () => Promise<T | null>): Promise<T | null> {
    const found = await lookup();
    if (found || !this.o.store.announcedBeforeVisible) return found;
    await this.locks.withLocks([userId], async () => undefined);
    return lookup();
  }

  /** The acting socket joins the call room: directly when it is on this node (it always is: it sent the event). */
  private async joinCall(socketId: string, callId: string): Promise<void> {
    const local = this.o.nsp.sockets.get(socketId);
    if (local) local.join(callRoom(callId));
    else await this.o.nsp.in(socketId).socketsJoin(callRoom(callId));
  }

  private clearRingTimer(callId: string) {
    const t = this.ringTimers.get(callId);
    if (t) clearTimeout(t);
    this.ringTimers.delete(callId);
  }

  private clearGraceTimer(callId: string, userId: string) {
    const key = `${callId}:${userId}`;
    const t = this.graceTimers.get(key);
    if (t) clearTimeout(t);
    this.graceTimers.delete(key);
  }
}

/** What a participant may know: the call without its participants' raw ids. */
function publicInfo(c: StoredCall): CallInfo {
  const { callerId: _c, calleeId: _e, ...info } = c;
  return info;
}

/** Whether a write the store queued reached the database. */
function written(persisted: Promise<void>): Promise<boolean> {
  return persisted.then(
    () => true,
    () => false,
  );
}
