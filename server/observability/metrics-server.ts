// METRICS_PORT: /metrics on a port of its own, bound to 127.0.0.1, for a
// Prometheus (or an agent) on the same host. Only this host reaches it, so it
// asks no token; the main port keeps /metrics behind METRICS_TOKEN (or none).
// Nothing else is served here.
import { createServer, type Server } from "node:http";
import type { Metrics } from "./metrics";
import { send, sendMetrics } from "./ops-routes";

export const METRICS_HOST = "127.0.0.1";

/** Listens on METRICS_HOST:`port` (0: any free port); resolves once listening. */
export async function startMetricsServer(metrics: Metrics, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== "/metrics") return send(res, 404, "text/plain", "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed\n", { allow: "GET, HEAD" });
    sendMetrics(res, metrics);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, METRICS_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
