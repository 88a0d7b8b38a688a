// The flooding user of tests/integration/flood.test.ts, in a worker thread (plain
// JavaScript: tsx's loader does not reach worker threads on Node 20) so
// that encoding its events does not hold up the server's event loop (the test
// process runs the server): opens `sockets` sockets with the cookie, sends
// `events` session:sync per socket at full speed, and reports what came back.
import { parentPort, workerData } from "node:worker_threads";
import { io } from "socket.io-client";

/** @type {{ url: string; cookie: string; sockets: number; events: number }} */
const { url, cookie, sockets, events } = workerData;
const acks = { ok: 0, rate_limited: 0, other: 0 };
/** @type {string[]} */
const reasons = [];

const clients = await Promise.all(
  Array.from({ length: sockets }, async () => {
    const s = io(`${url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    await new Promise((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("connect_error", reject);
    });
    return s;
  }),
);
parentPort.postMessage({ type: "connected" });
await new Promise((resolve) => parentPort.once("message", () => resolve()));
const started = performance.now();
const gone = clients.map((s) => new Promise((resolve) => s.once("disconnect", (reason) => (reasons.push(reason), resolve()))));
for (const s of clients)
  for (let i = 0; i < events; i++)
    s.emit("session:sync", {}, (/** @type {{ ok: boolean; code?: string }} */ res) => {
      if (res.ok) acks.ok++;
      else if (res.code === "rate_limited") acks.rate_limited++;
      else acks.other++;
    });
await Promise.race([Promise.all(gone), new Promise((r) => setTimeout(r, 8_000))]);
for (const s of clients) s.disconnect();
parentPort.postMessage({ type: "done", acks, reasons, secs: (performance.now() - started) / 1000 });
