// B4: ring latency (invite sent → call:incoming on the callee's socket) with
// caller and callee on the SAME node vs on DIFFERENT nodes of one cluster
// (two real server processes over a throwaway redis-server), and on a
// standalone node without Redis, all in the same run. Prints a table and
// writes bench/results/cross-node.json.
//   node --import tsx bench/cross-node.ts [--rings 200] [--quick]
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { io } from "socket.io-client";
import { signUp } from "../server/auth/accounts";
import { createSession } from "../server/auth/sessions";
import { actOnContact, requestContact } from "../server/contacts/service";
import { createDb } from "../server/db/client";
import { migrateSqlite } from "../server/db/migrate";
import { startNode, type DialtoneNode } from "../tests/multinode/cluster";
import { startRedis } from "../tests/support/redis";
import type { ClientSocket } from "../tests/integration/harness";
import { ms, summarise, type Summary } from "./stats";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rings = Number(args[args.indexOf("--rings") + 1]) || (quick ? 60 : 300);

async function main() {
  const redis = await startRedis();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-bench-"));
  const dbUrl = `file:${path.join(dir, "bench.db")}`;
  migrateSqlite(dbUrl);
  const db = createDb(dbUrl);
  const secret = randomBytes(32).toString("base64url");
  const common = { DATABASE_URL: dbUrl, AUTH_SECRET: secret, SIGNUPS_PER_IP_PER_HOUR: "100000", RING_TIMEOUT_SECONDS: "30" };
  const nodes: DialtoneNode[] = [];
  const sockets: ClientSocket[] = [];
  try {
    const [a, b, solo] = await Promise.all([
      startNode("a", { ...common, REDIS_URL: redis.url }),
      startNode("b", { ...common, REDIS_URL: redis.url }),
      startNode("solo", common),
    ]);
    nodes.push(a, b, solo);

    let n = 0;
    const user = async (name: string) => {
      const u = await signUp(db, { name, email: `${name}-${++n}@bench.test`, password: "password-123" });
      const sid = await createSession(db, u.id, { userAgent: "bench", ip: "127.0.0.1" });
      return { ...u, cookie: `next-auth.session-token=${await encode({ token: { sub: u.id, name, sid }, secret })}` };
    };
    const connect = async (cookie: string, node: DialtoneNode) => {
      const s = io(`${node.url}/signaling`, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } }) as unknown as ClientSocket;
      sockets.push(s);
      await new Promise<void>((res, rej) => {
        s.once("connect", () => res());
        s.once("connect_error", (e: Error) => rej(e));
      });
      return s;
    };
    // Ring users are limited to 20 rings a minute each: use a fresh pair per 15 rings.
    const scenario = async (callerNode: DialtoneNode, calleeNode: DialtoneNode): Promise<number> => {
      const caller = await user("caller");
      const callee = await user("callee");
      await requestContact(db, caller.id, { email: callee.email });
      await actOnContact(db, callee.id, caller.id, { action: "accept" });
      const cs = await connect(caller.cookie, callerNode);
      const es = await connect(callee.cookie, calleeNode);
      // Let the work that follows a connect settle first: presence goes out in
      // a batch 50 ms later (server/signaling/presence.ts#batchedPresence), and that is when the
      // node reads these fresh users' contacts.
      await new Promise((r) => setTimeout(r, 120));
      return ringOnce(cs, es, callee.id);
    };
    const scenarios = { "single node (no Redis)": [solo, solo], "same node (cluster)": [a, a], "cross node (cluster)": [a, b] } as const;
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
    // Warm up every path, then interleave the scenarios so machine noise hits them alike.
    for (const [, [x, y]] of Object.entries(scenarios)) for (let i = 0; i < 5; i++) await scenario(x, y);
    for (let i = 0; i < rings; i++) {
      for (const [name, [x, y]] of Object.entries(scenarios)) samples[name]?.push(await scenario(x, y));
    }
    const results: Record<string, Summary> = {};
    for (const [k, v] of Object.entries(samples)) results[k] = summarise(v);
    const base = results["single node (no Redis)"]!;
    console.log(`\nB4 ring latency, invite → call:incoming, ${rings} rings per scenario (${os.cpus().length} cores, ${new Date().toISOString()})`);
    console.log("scenario".padEnd(26), "min".padStart(10), "p50".padStart(10), "p99".padStart(10), "max".padStart(10), "p50 ratio".padStart(11));
    for (const [k, r] of Object.entries(results)) {
      console.log(k.padEnd(26), ms(r.min).padStart(10), ms(r.p50).padStart(10), ms(r.p99).padStart(10), ms(r.max).padStart(10), `${(r.p50 / base.p50).toFixed(2)}×`.padStart(11));
    }
    const cross = results["cross node (cluster)"]!;
    const same = results["same node (cluster)"]!;
    console.log(`\ncross-node p50 / same-node p50 = ${(cross.p50 / same.p50).toFixed(2)}×; cross-node p50 / single node = ${(cross.p50 / base.p50).toFixed(2)}× (goal P5: ≤ 1.5×)`);
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile("bench/results/cross-node.json", JSON.stringify({ date: new Date().toISOString(), rings, results }, null, 2));
  } finally {
    for (const s of sockets) s.disconnect();
    await Promise.all(nodes.map((x) => x.stop().catch(() => undefined)));
    await db.$disconnect();
    await redis.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function ringOnce(caller: ClientSocket, callee: ClientSocket, calleeId: string): Promise<number> {
  const raw = caller as unknown as { timeout: (t: number) => { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean; call?: { id: string } }> } };
  const incoming = new Promise<number>((resolve) =>
    (callee as unknown as { once: (e: string, f: () => void) => void }).once("call:incoming", () => resolve(performance.now())),
  );
  const t0 = performance.now();
  const ack = await raw.timeout(5000).emitWithAck("call:invite", { calleeId, kind: "video" });
  const t1 = await incoming;
  if (!ack.ok || !ack.call) throw new Error(`invite failed: ${JSON.stringify(ack)}`);
  await raw.timeout(5000).emitWithAck("call:cancel", { callId: ack.call.id });
  caller.disconnect();
  callee.disconnect();
  return t1 - t0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
