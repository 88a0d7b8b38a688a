// The call service: every lifecycle change goes through here. Each transition
// is decided by the call store in one atomic step (the contract:
// server/calls/store.ts; server/calls/memory-store.ts: in memory on one node;
// server/calls/redis-store.ts: a Lua script in Redis on several), then the sockets involved are told (./notifier.ts), then the
// actor is answered once the database has the change.
// Timers (./timers.ts) are only a fast path: the periodic sweep closes
// whatever a timer missed (e.g. after a restart).
import { randomUUID } from "node:crypto";
import { contactName, type ContactDirectory } from "../contacts/directory";
import { DialtoneError } from "../protocol/errors";
import type { CallInfo, CallKind, IceServer, Payload } from "../protocol/events";
import { transition, type CallEvent, type Role } from "../call-domain/state-machine";
import type { CallStore, RingLimit, StoredCall } from "./store";
import type { CallReporter } from "./call-reporter";
import { CallNotifier } from "./notifier";
import { CallTimers } from "./timers";
import type { Announcer, SignalingNamespace } from "./namespace";

type PreparedAnswer = NonNullable<Payload<"call:accept">["answer"]>;

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
  /** Several nodes: publishes the callee's ring with the invite's decision (server/signaling/cluster-broadcast.ts). */
  announce?: Announcer;
  /** Called after a user's call state changed (presence). */
  onPresenceChange?: (userIds: string[]) => void;
  /** Logs and counts each lifecycle step this node decides. */
  report: CallReporter;
};

/** How an invite is rate limited: a verdict asked apart (settled before anything is read), or a limit the store checks in its decision. */
export type RingAdmission = { admitted: Promise<void> } | { limit: RingLimit };

export class CallService {
  private readonly timers = new CallTimers();
  private readonly notify: CallNotifier;
  private stopped = false;

  constructor(private readonly o: CallServiceOptions) {
    this.notify = new CallNotifier(o.nsp, o.announce);
  }

  start(sweepEveryMs = 5_000): void {
    if (this.stopped) return;
    this.timers.sweepEvery(sweepEveryMs, () => {
      void this.sweep().catch(() => undefined);
      void this.o.store.maintain?.().catch((err: unknown) => this.o.report.failed("calls.maintenance_failed", err));
      void this.sweepAbandoned().catch(() => undefined);
    });
    // A (re)started node has no grace timers: a call that was active when a
    // process stopped would otherwise stay active for good (both users Busy).
    void this.sweepAbandoned().catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.timers.clearAll();
  }

  /**
   * Place a call. The store decides it in one atomic step (CallStore.invite:
   * the ring limit when it keeps it, the busy rules, the new ringing call), so
   * two invites at once (two callers ringing one callee, one caller's two
   * tabs, two nodes) never both ring. Glare (two users ringing each other at
   * once) resolves to one call: the second invite answers the first.
   * `socketId` is the inviting socket: it joins the call room.
   */
  async invite(
    callerId: string,
    calleeId: string,
    kind: CallKind,
    socketId: string,
    admission: RingAdmission = { admitted: Promise.resolve() },
  ): Promise<{ call: CallInfo; iceServers?: IceServer[] }> {
    // A limit kept apart from the store is settled before anything is read.
    if ("admitted" in admission) await admission.admitted;
    // From memory when it is there (it is for every connected user): no wait before the ring.
    const caller = callerId === calleeId ? null : (this.o.directory.cached(callerId) ?? (await this.o.directory.entry(callerId)));
    const calleeName = caller ? contactName(caller, calleeId) : undefined;
    if (!caller || calleeName === undefined) throw new DialtoneError("not_contact");
    const names = { caller: { id: callerId, name: caller.name }, callee: { id: calleeId, name: calleeName } };
    const { store } = this.o;
    // The store's limit counts once, on the first attempt.
    let limit = "limit" in admission ? admission.limit : undefined;
    for (let attempt = 0; ; attempt++) {
      const id = randomUUID();
      // The caller's socket is in the call room before anyone can accept
      // (a callee on another node may hear of the ring before the decision's
      // reply is back here), so call:accepted always finds it.
      this.notify.join(socketId, id);
      const d = await store.invite({
        id,
        callerId,
        calleeId,
        kind,
        ...names,
        now: new Date(),
        ringTimeoutMs: this.o.ringTimeoutMs,
        limit,
        announce: this.notify.incomingAnnouncement(calleeId, publicInfo),
      });
      limit = undefined;
      if (d.kind !== "rang") this.notify.leave(socketId, id);
      if (d.kind === "rate_limited") {
        this.o.report.ringLimited();
        throw new DialtoneError("rate_limited");
      }
      // These users' rings past their time did not count as busy; close them.
      for (const expired of d.expired) void this.timeout(expired).catch(() => undefined);
      switch (d.kind) {
        case "caller_busy":
          throw new DialtoneError("caller_busy");
        case "glare":
          try {
            return await this.accept(d.callId, callerId, socketId);
          } catch (err) {
            // It stopped ringing a moment ago (cancelled, timed out): place the call as usual.
            if (!(err instanceof DialtoneError && err.code === "invalid_state") || attempt > 0) throw err;
            continue;
          }
        case "callee_busy": {
          const now = new Date();
          const busy = await store.recordEnded({
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
          this.o.report.ended(busy.call, "busy", "callee_busy", null, now);
          return { call: publicInfo(busy.call) };
        }
        case "rang": {
          const call = publicInfo(d.call);
          this.o.report.placed(d.call);
          if (!d.announced) this.notify.incoming(calleeId, call);
          this.timers.ring(call.id, this.o.ringTimeoutMs + (this.o.ringTimerSlackMs ?? 50), () => void this.timeout(call.id).catch(() => undefined));
          await this.settle(d.call, d.persisted);
          // The caller prepares its peer connection while it rings (offer and
          // ICE held until the callee accepts: app/call/live-call.ts), so it
          // needs its ICE servers now, signed for its own user.
          return { call, iceServers: this.o.iceServers(callerId) };
        }
      }
    }
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
    this.o.report.ended(call, "failed", "server_error", null, now);
    this.timers.clearRing(call.id);
    this.notify.ended(call, ended, "server_error");
  }

  /**
   * The caller's offer, prepared while its call rings, goes to every tab of
   * the callee (with their own ICE servers) so they can prepare their answer
   * before Accept. Only the caller, only while it rings; the schema has
   * already refused an offer with candidates.
   */
  async offer(callId: string, userId: string, description: Payload<"call:offer">["description"]): Promise<void> {
    const call = await this.o.store.find(callId);
    if (!call || call.callerId !== userId) throw new DialtoneError("not_in_call");
    if (call.status !== "ringing") throw new DialtoneError("invalid_state");
    this.notify.offer(call.calleeId, { callId, description, iceServers: this.o.iceServers(call.calleeId) });
  }

  /**
   * The callee's device accepts. Exactly one device can win. Nobody is ever in
   * two calls: a callee already in an active call cannot accept another, and
   * accepting cancels the callee's own outgoing ring. The store decides in one
   * step (CallStore.accept).
   */
  async accept(callId: string, userId: string, socketId: string, answer?: PreparedAnswer): Promise<{ call: CallInfo; iceServers: IceServer[] }> {
    const { store } = this.o;
    const d = await store.accept(callId, userId, new Date());
    if (d.kind === "refused") {
      // Ring time is over but the timer has not fired yet: close it now.
      if (d.code === "ring_over") {
        await this.timeout(callId);
        throw new DialtoneError("invalid_state");
      }
      throw new DialtoneError(d.code);
    }
    const { callerId, calleeId, ...call } = d.call;
    this.o.report.answered(d.call);
    this.notify.join(socketId, callId);
    // The caller first: its offer is the next step of the call. Only the
    // caller's socket that placed (or rejoined) the call is in its room. Each
    // participant gets TURN credentials signed for themselves.
    this.notify.accepted(call, calleeId, socketId, this.o.iceServers(callerId), answer);
    this.timers.clearRing(callId);
    const iceServers = this.o.iceServers(userId);
    for (const ring of d.ownRings) {
      const c = await store.find(ring);
      if (c) await this.applyAs(c, userId, { type: "cancel", by: "caller" }).catch(() => undefined);
    }
    this.o.onPresenceChange?.([callerId, calleeId]);
    await this.settle(d.call, d.persisted);
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
    const present = await this.notify.present(rows.map((r) => r.id));
    for (const r of rows) {
      for (const userId of [r.callerId, r.calleeId]) {
        if (!present.has(`${r.id}:${userId}`) && !this.timers.hasGrace(r.id, userId)) this.socketLeftCalls(userId, [r.id]);
      }
    }
  }

  /** A participant's socket may (re)join a live call: after a reload or reconnect. */
  async rejoin(callId: string, userId: string, socketId: string, fresh = false): Promise<{ call: CallInfo; iceServers: IceServer[] }> {
    const current = await this.o.store.find(callId);
    if (!current || (current.callerId !== userId && current.calleeId !== userId)) throw new DialtoneError("not_found");
    const isCallerRinging = current.status === "ringing" && current.callerId === userId;
    if (current.status !== "active" && !isCallerRinging) throw new DialtoneError("invalid_state");
    await this.notify.moveOutOthers(callId, userId, socketId);
    this.notify.join(socketId, callId);
    this.timers.clearGrace(callId, userId);
    this.notify.peerConnection(callId, true, { except: socketId, fresh });
    return { call: publicInfo(current), iceServers: this.o.iceServers(userId) };
  }

  /**
   * A socket that was in call rooms went away. Each call keeps going for the
   * grace period; if no socket of that user is back in the room by then, it ends.
   */
  socketLeftCalls(userId: string, callIds: string[]): void {
    for (const callId of callIds) {
      this.notify.peerConnection(callId, false);
      this.timers.grace(callId, userId, this.o.graceMs, () => void this.endIfAbandoned(callId, userId).catch(() => undefined));
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
    if (await this.notify.isPresent(callId, userId)) return;
    const call = await this.o.store.find(callId);
    if (!call || call.status === "ended") return;
    await this.applyAs(call, null, { type: "fail", reason: "connection_lost" }).catch(() => undefined);
  }

  private async apply(callId: string, userId: string, event: (role: Role) => CallEvent): Promise<CallInfo> {
    const call = await this.o.store.find(callId);
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
    this.timers.clearRing(call.id);
    this.timers.clearGrace(call.id, call.callerId);
    this.timers.clearGrace(call.id, call.calleeId);
    this.o.report.ended(call, result.next.outcome, result.reason, actorId, now);
    // The conditional update above won, so the row is exactly `call` with these
    // fields changed: no need to read it back.
    const { callerId, calleeId, ...before } = call;
    const info: CallInfo = { ...before, status: result.next.status, outcome: result.next.outcome, endedAt: now.toISOString() };
    // An end is not on anyone's latency path: it is written before anyone is
    // told, so a history read right after call:ended finds it. One that cannot
    // be written is still an end for both sides; the actor hears of the failure.
    const stored = await written(persisted);
    this.notify.ended(call, info, result.reason);
    if (call.status === "active") this.o.onPresenceChange?.([callerId, calleeId]);
    if (!stored) throw new DialtoneError("internal");
    return info;
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
