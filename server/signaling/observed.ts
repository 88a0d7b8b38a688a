// What the signaling layer reports to the operators besides the call
// lifecycle (server/calls/call-reporter.ts): refused handshakes and events,
// and this node coming and going.
import type { SignalingNamespace } from "../calls/namespace";
import type { Log } from "../observability/log";
import { LogSampler } from "../observability/log-sampler";
import type { Metrics } from "../observability/metrics";

/** Reports a refused event or handshake (`event`: "handshake", the event's name, or "unknown"). */
export type Refused = (event: string, code: string, userId?: string) => void;

/**
 * A refused event or handshake: counted always, logged sampled (a client
 * flooding garbage must not fill the disk: server/observability/log-sampler.ts).
 */
export function refusalReporter(log: Log, metrics: Metrics): Refused {
  const sampler = new LogSampler();
  return (event, code, userId) => {
    metrics.refused.inc({ event, code });
    const suppressed = sampler.take(`${event}:${code}`);
    if (suppressed !== undefined) log.info({ event: "socket.refused", socketEvent: event, code, userId, suppressed }, "socket event refused");
  };
}

/**
 * Several nodes: this one says when it joins and when it starts to leave,
 * and logs the others doing so. Returns the announcement of its leaving.
 */
export function announceNode(nsp: SignalingNamespace, log: Log): () => void {
  const nodeId = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  nsp.on("node:joined", (id: unknown) => log.info({ event: "node.joined", nodeId: String(id) }, "another node joined"));
  nsp.on("node:left", (id: unknown) => log.info({ event: "node.left", nodeId: String(id) }, "another node is leaving"));
  nsp.serverSideEmit("node:joined", nodeId);
  return () => nsp.serverSideEmit("node:left", nodeId);
}
