// The call both B1 reference relays (ws-baseline.ts, socketio-baseline.ts)
// hand out: the same fields as Dialtone's CallInfo, so the messages are the
// same size as Dialtone's.
import { randomBytes } from "node:crypto";

export function benchCallInfo(callerId: string, calleeId: string, kind: unknown): Record<string, unknown> & { id: string } {
  const now = new Date();
  return {
    id: `c${randomBytes(12).toString("hex")}`,
    kind,
    status: "ringing",
    outcome: null,
    caller: { id: callerId, name: "Bench user" },
    callee: { id: calleeId, name: "Bench user" },
    createdAt: now.toISOString(),
    ringExpiresAt: new Date(now.getTime() + 45_000).toISOString(),
    answeredAt: null,
    endedAt: null,
  };
}
