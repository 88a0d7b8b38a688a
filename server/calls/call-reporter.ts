// What the call service tells the operators: one log line and a counter per
// lifecycle step (placed, answered, ended with its outcome). Ids, kinds,
// outcomes and reasons only: no names, no SDP, no candidates. Only the node
// that decided a step reports it, so the counters add up across nodes.
import type { CallOutcome } from "../call-domain/state-machine";
import type { Log } from "../observability/log";
import type { Metrics } from "../observability/metrics";
import type { StoredCall } from "./store";

export class CallReporter {
  constructor(
    private readonly log: Log,
    private readonly metrics: Metrics,
  ) {}

  placed(call: StoredCall): void {
    this.metrics.rings.inc();
    this.log.info({ event: "call.placed", callId: call.id, callerId: call.callerId, calleeId: call.calleeId, kind: call.kind }, "call placed");
  }

  /** The ring limit, checked inside the store's decision, refused an invite (a limit kept apart counts in rate-limits.ts#consume). */
  ringLimited(): void {
    this.metrics.rateLimited.inc({ limit: "ring" });
  }

  /** Something this node's call machinery could not do (not a refusal: a fault to look into). */
  failed(event: string, err: unknown): void {
    this.log.error({ event, err }, event);
  }

  answered(call: StoredCall): void {
    this.metrics.answered.inc();
    this.log.info({ event: "call.answered", callId: call.id, callerId: call.callerId, calleeId: call.calleeId }, "call answered");
  }

  ended(call: StoredCall, outcome: CallOutcome | null, reason: string, endedBy: string | null, endedAt: Date): void {
    this.metrics.ended.inc({ outcome: outcome ?? "unknown" });
    const answeredAt = call.answeredAt ? Date.parse(call.answeredAt) : undefined;
    this.log.info(
      {
        event: "call.ended",
        callId: call.id,
        callerId: call.callerId,
        calleeId: call.calleeId,
        outcome,
        reason,
        endedBy,
        // How long the two talked (absent when it was never answered).
        durationMs: answeredAt === undefined ? undefined : endedAt.getTime() - answeredAt,
      },
      "call ended",
    );
  }
}
