// The operators' HTTP routes, answered by the custom server before Next sees
// the request (no page rendering, no session): /healthz, /readyz, /metrics.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics";
import { checkReadiness, type ReadinessOptions } from "./readiness";

export type OpsRoutesOptions = {
  readiness: ReadinessOptions;
  metrics: Metrics;
  /** Bearer token for /metrics; without one there is no /metrics route (404). */
  metricsToken?: string;
};

/** Answers the request and returns true when it is one of these routes; false: not ours (Next handles it). */
export type OpsRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

export function opsRoutes(o: OpsRoutesOptions): OpsRoutes {
  const expected = o.metricsToken ? digest(o.metricsToken) : undefined;
  return (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== "/healthz" && path !== "/readyz" && path !== "/metrics") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain", "method not allowed\n", { allow: "GET, HEAD" });
      return true;
    }
    if (path === "/healthz") {
      // The process runs its event loop: that is all this says (liveness).
      send(res, 200, "application/json", '{"status":"ok"}\n');
      return true;
    }
    if (path === "/readyz") {
      void checkReadiness(o.readiness).then(
        (r) => send(res, r.ready ? 200 : 503, "application/json", JSON.stringify({ status: r.ready ? "ready" : "unready", ...r }) + "\n"),
        () => send(res, 503, "application/json", '{"status":"unready"}\n'),
      );
      return true;
    }
    if (!expected) {
      send(res, 404, "text/plain", "not found\n");
      return true;
    }
    if (!authorized(req.headers.authorization, expected)) {
      send(res, 401, "text/plain", "unauthorized\n", { "www-authenticate": 'Bearer realm="metrics"' });
      return true;
    }
    sendMetrics(res, o.metrics);
    return true;
  };
}

/** The Prometheus text of `metrics` (here, and on METRICS_PORT: ./metrics-server.ts). */
export function sendMetrics(res: ServerResponse, metrics: Metrics): void {
  void metrics.registry.metrics().then(
    (text) => send(res, 200, metrics.registry.contentType, text),
    () => send(res, 500, "text/plain", "metrics failed\n"),
  );
}

/** `Authorization: Bearer <token>`, compared in constant time (over digests, so lengths do not leak either). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return Boolean(m?.[1]) && timingSafeEqual(digest(m![1]!), expected);
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
