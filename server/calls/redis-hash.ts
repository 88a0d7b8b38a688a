// A call as the fields of its Redis hash, and back: the one mapping between
// the call (StoredCall, the database row) and the hash RedisCallStore
// (./redis-store.ts) and its Lua scripts (./redis-scripts.ts) read and write.
// Times are milliseconds since the epoch, absent values empty strings.
import type { CallKind } from "../protocol/events";
import type { CallOutcome, CallStatus } from "../call-domain/state-machine";
import type { CallRowSave, StoredCall } from "./queries";

export type Hash = Record<string, string>;

/** A flat [field, value, …] reply (HGETALL inside a script) as an object. */
export function toHash(reply: unknown): Hash {
  const h: Hash = {};
  if (!Array.isArray(reply)) return h;
  for (let i = 0; i + 1 < reply.length; i += 2) h[String(reply[i])] = String(reply[i + 1]);
  return h;
}

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
const date = (ms: string | undefined) => (ms ? new Date(Number(ms)) : null);

export function toStored(h: Hash): StoredCall {
  return {
    id: h.id!,
    kind: h.kind as CallKind,
    status: h.status as CallStatus,
    outcome: (h.outcome || null) as CallOutcome | null,
    caller: { id: h.callerId!, name: h.callerName ?? "" },
    callee: { id: h.calleeId!, name: h.calleeName ?? "" },
    createdAt: iso(h.createdAt)!,
    ringExpiresAt: iso(h.ringExpires)!,
    answeredAt: iso(h.answeredAt),
    endedAt: iso(h.endedAt),
    callerId: h.callerId!,
    calleeId: h.calleeId!,
  };
}

export function toRow(h: Hash): CallRowSave {
  return {
    id: h.id!,
    createdAt: date(h.createdAt)!,
    callerId: h.callerId!,
    calleeId: h.calleeId!,
    kind: h.kind as CallKind,
    status: h.status as CallStatus,
    outcome: (h.outcome || null) as CallOutcome | null,
    endReason: h.endReason || null,
    endedById: h.endedById || null,
    ringExpiresAt: date(h.ringExpires)!,
    answeredAt: date(h.answeredAt),
    endedAt: date(h.endedAt),
  };
}

/** A call as hash fields (absent values as empty strings). */
export function toFields(c: StoredCall, extra: { endReason?: string | null; endedById?: string | null } = {}): string[] {
  const ms = (iso: string | null) => (iso ? String(Date.parse(iso)) : "");
  return [
    "id", c.id,
    "kind", c.kind,
    "status", c.status,
    "outcome", c.outcome ?? "",
    "endReason", extra.endReason ?? "",
    "endedById", extra.endedById ?? "",
    "callerId", c.callerId,
    "calleeId", c.calleeId,
    "callerName", c.caller.name,
    "calleeName", c.callee.name,
    "createdAt", ms(c.createdAt),
    "ringExpires", ms(c.ringExpiresAt),
    "answeredAt", ms(c.answeredAt),
    "endedAt", ms(c.endedAt),
  ]; // prettier-ignore
}
