// The server's log: one JSON line per meaningful event on stdout (pino), for
// an admin's log shipper. Each line has `event` (a stable name such as
// "call.ended") next to pino's `msg`, `level`, `time`, `pid` and `hostname`.
//
// Never logged: passwords, cookies, session tokens, SDP, ICE candidates. The
// call sites only ever pass ids, codes and outcomes; `redact` is a second
// line of defence should an object carrying one of those keys slip in.
// tests/integration/logs.test.ts runs a whole call and searches the lines.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { LogLevel } from "./log-levels";

export type Log = Logger;

const REDACTED_KEYS = ["password", "cookie", "cookies", "authorization", "token", "secret", "sdp", "description", "candidate"];
const REDACT = [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), "headers.cookie", "req.headers.cookie", "req.headers.authorization"];

export type LogOptions = {
  level: LogLevel;
  /** Human-readable lines (pino-pretty in a worker thread): development only. */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests capture them). */
  destination?: DestinationStream;
};

export function createLog(o: LogOptions): Log {
  const options: LoggerOptions = {
    level: o.level,
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (o.destination) return pino(options, o.destination);
  // pino-pretty is a devDependency: a production install never loads it.
  if (o.pretty) return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } } });
  return pino(options);
}

// One logger per process, shared with Next's bundled route code (sign-in),
// which loads this module separately: a typed globalThis slot.
const slot = globalThis as typeof globalThis & { __dialtoneLog?: Log };

export function setLog(log: Log): void {
  slot.__dialtoneLog = log;
}

/**
 * The process's logger. The server installs one at start; anything that runs
 * without it (tests, scripts) logs nothing unless LOG_LEVEL is set.
 */
export function getLog(): Log {
  slot.__dialtoneLog ??= createLog({ level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? "silent" });
  return slot.__dialtoneLog;
}
