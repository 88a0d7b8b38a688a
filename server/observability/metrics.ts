// Prometheus metrics (prom-client), served at /metrics (server/observability/
// ops-routes.ts). Counters are bumped where things happen (a plain increment:
// cheap enough for the ring path; nothing is counted per relayed SDP/ICE
// message). Gauges that need a look around (sockets, active calls, database
// and Redis round trips) are measured when Prometheus scrapes, not before.
import { performance } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type MetricSources = {
  /** Signaling sockets connected to this node. */
  sockets?: () => number;
  /** Active calls as the call store sees them (with Redis: the whole deployment's). */
  activeCalls?: () => Promise<number>;
  /** One round trip to the database (SELECT 1). */
  pingDb?: () => Promise<unknown>;
  /** One round trip to Redis (PING), when configured. */
  pingRedis?: () => Promise<unknown>;
};

export class Metrics {
  readonly registry = new Registry();
  readonly rings: Counter;
  readonly answered: Counter;
  readonly ended: Counter<"outcome">;
  readonly refused: Counter<"event" | "code">;
  readonly rateLimited: Counter<"limit">;
  readonly signIns: Counter<"outcome">;
  readonly dbWrites: Histogram;
  readonly redisScripts: Histogram<"script">;
  readonly callSetup: Histogram<"role">;
  private readonly sources: MetricSources = {};

  /** `processMetrics`: prom-client's default process and Node metrics (event-loop lag, heap, CPU, fds): once per process. */
  constructor(o: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const sources = this.sources;
    this.rings = new Counter({ name: "dialtone_rings_total", help: "Calls placed that rang the callee", registers });
    this.answered = new Counter({ name: "dialtone_calls_answered_total", help: "Calls accepted by the callee", registers });
    this.ended = new Counter({
      name: "dialtone_calls_ended_total",
      help: "Calls ended, by outcome (completed, missed, declined, cancelled, busy, failed); counted by the node that recorded the end",
      labelNames: ["outcome"],
      registers,
    });
    this.refused = new Counter({
      name: "dialtone_socket_refused_total",
      help: "Signaling events answered with an error, by event and error code",
      labelNames: ["event", "code"],
      registers,
    });
    this.rateLimited = new Counter({ name: "dialtone_rate_limit_hits_total", help: "Requests refused by a rate limit, by limit", labelNames: ["limit"], registers });
    this.signIns = new Counter({ name: "dialtone_sign_ins_total", help: "Sign-in attempts, by outcome (success, failure, rate_limited)", labelNames: ["outcome"], registers });
    // Latencies of the real work, not only the scrape-time pings below.
    this.dbWrites = new Histogram({
      name: "dialtone_db_write_seconds",
      help: "Call rows written behind the decisions (insert or update), from queueing to done",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.redisScripts = new Histogram({
      name: "dialtone_redis_script_seconds",
      help: "Round trips of the call-state decisions in Redis (Lua scripts), by script",
      labelNames: ["script"],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    });
    this.callSetup = new Histogram({
      name: "dialtone_call_setup_seconds",
      help: "Call set-up time as clients report it: from Accept (callee) or call:accepted (caller) to the first remote video frame or audio, by role",
      labelNames: ["role"],
      buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: "dialtone_connected_sockets",
      help: "Signaling sockets connected to this node",
      registers,
      collect() {
        this.set(sources.sockets?.() ?? 0);
      },
    });
    new Gauge({
      name: "dialtone_active_calls",
      help: "Active calls in the call store (with REDIS_URL the whole deployment's: every node reports the same figure)",
      registers,
      async collect() {
        this.set(sources.activeCalls ? await sources.activeCalls().catch(() => NaN) : 0);
      },
    });
    const roundTrip = (name: string, what: string, ping: () => MetricSources["pingDb"]) =>
      new Gauge({
        name,
        help: `Seconds one ${what} round trip took when scraped (NaN: it failed)`,
        registers,
        async collect() {
          const p = ping();
          if (!p) return;
          const t0 = performance.now();
          this.set(await p().then(() => (performance.now() - t0) / 1000, () => NaN));
        },
      });
    roundTrip("dialtone_db_ping_seconds", "database (SELECT 1)", () => sources.pingDb);
    roundTrip("dialtone_redis_ping_seconds", "Redis (PING)", () => sources.pingRedis);
    if (o.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the scrape-time gauges read from (set once the server parts exist). */
  observe(sources: MetricSources): void {
    Object.assign(this.sources, sources);
  }
}

// One Metrics per process, shared with Next's bundled route code (sign-in and
// sign-up limits), which loads this module separately: a typed globalThis slot.
const slot = globalThis as typeof globalThis & { __dialtoneMetrics?: Metrics };

export function setMetrics(metrics: Metrics): void {
  slot.__dialtoneMetrics = metrics;
}

export function getMetrics(): Metrics {
  slot.__dialtoneMetrics ??= new Metrics();
  return slot.__dialtoneMetrics;
}
