// B6's load generator: one process of several (bench/reconnect-storm.ts forks
// them, so the clients are not the bottleneck and not in the measuring
// process), holding a share of the users' connections and reconnecting them
// the way the browser does. Driven over the IPC channel:
//   init    {mode, users, urls, sourceAddresses}  connect every user to urls[0]
//   arm     {}                                    the next connection of each user counts as its return
//   urls    {urls}                                where the next reconnection attempts go (in turn)
//   check   {sample}                              presence as these users' contacts see it
//   ring    {caller, callee}                      invite → call:incoming on the callee → cancel
// and answers with one message per command (the same type, plus results).
//
// Dialtone clients are socket.io-client sockets with the browser's options
// (app/lib/signaling-client.ts sets none of the reconnection options, so the
// browser uses socket.io-client's defaults: BROWSER_RECONNECTION below). The
// failover a balancer would do is done by the client: before each
// reconnection attempt the manager's URL moves to the next node in the list
// (a node that refuses the TCP connection costs one more back-off step, as
// behind a balancer that has not yet seen the node die). On each connection it
// does what the browser's CallClient.onConnect does: session:sync, then
// presence:list (app/call/call-client.ts), and keeps the presence map the UI
// shows (presence:list's answer with the updates pushed meanwhile laid over
// it, then presence:update events).
//
// Raw `ws` clients (the floor) reconnect with the same back-off (the same
// formula as socket.io-client's Backoff) and the same rotation over the list.
import { io, type Socket } from "socket.io-client";
import { WebSocket } from "ws";
import { pool } from "./pool";

/** socket.io-client's defaults, which the browser's client uses (it sets none). */
export const BROWSER_RECONNECTION = { reconnectionDelay: 1_000, reconnectionDelayMax: 5_000, randomizationFactor: 0.5 } as const;

type User = { id: string; cookie: string; contacts: string[] };
type Mode = "dialtone" | "ws";
type Msg =
  | { type: "init"; mode: Mode; users: User[]; urls: string[]; sourceAddresses: string[] }
  | { type: "arm" }
  | { type: "urls"; urls: string[] }
  | { type: "check"; sample: string[] }
  | { type: "ring"; caller: string; callee: string }
  | { type: "stop" };

type Client = {
  user: User;
  /** Epoch ms of the connection after `arm` (authenticated: the namespace's CONNECT came back), and of its session:sync + presence:list answers. */
  backAt: number;
  syncedAt: number;
  /** The node it came back to. */
  backTo: string;
  presence: Map<string, string>;
  socket?: Socket;
  ws?: WsClient;
};

let urls: string[] = [];
let armed = false;
const clients = new Map<string, Client>();
const errors: string[] = [];
/** Reconnection attempts that failed since `arm`: the node refused the TCP connection (down), or did not answer in 20 s (socket.io-client's timeout). */
const failedAttempts = { refused: 0, timeout: 0 };
const fail = (why: string) => {
  if (errors.length < 10_000) errors.push(why);
};
const send = (m: Record<string, unknown>) => process.send?.(m);

/** socket.io-client's Backoff.duration (engine: the same formula for the raw clients). */
function backoff(attempt: number): number {
  const { reconnectionDelay: base, reconnectionDelayMax: max, randomizationFactor: jitter } = BROWSER_RECONNECTION;
  let ms = base * 2 ** attempt;
  const rand = Math.random();
  const deviation = Math.floor(rand * jitter * ms);
  ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation;
  return Math.min(ms, max) | 0;
}

function emitAck<T>(s: Socket, event: string, payload: unknown, timeoutMs = 20_000): Promise<T> {
  return (s.timeout(timeoutMs) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<T> }).emitWithAck(event, payload);
}

function connectDialtone(c: Client, local: string): Promise<void> {
  let urlIndex = 0;
  const s = io(`${urls[0]}/signaling`, {
    transports: ["websocket"],
    forceNew: true,
    extraHeaders: { cookie: c.user.cookie },
    ...BROWSER_RECONNECTION,
    // Handed by engine.io-client to the `ws` WebSocket it opens: many source addresses, many ephemeral ports.
    localAddress: local,
  } as never);
  c.socket = s;
  const manager = s.io as unknown as { uri: string };
  s.io.on("reconnect_attempt", () => {
    urlIndex = (urlIndex + 1) % urls.length;
    manager.uri = `${urls[urlIndex]}/signaling`;
  });
  // As the browser (app/call/call-client.ts#listPresence): updates pushed while presence:list is answered are laid over its answer.
  let listing: Map<string, string> | undefined;
  s.on("presence:update", ({ userId, presence }: { userId: string; presence: string }) => {
    c.presence.set(userId, presence);
    listing?.set(userId, presence);
  });
  return new Promise<void>((resolve) => {
    s.on("connect_error", (err: Error) => {
      // A refused TCP connection (the node is down) is the storm itself; a refusal by the server is an
      // error (and socket.io-client does not retry it: the user stays out).
      if (/xhr poll error|websocket error|timeout/.test(err.message)) {
        if (armed) failedAttempts[err.message === "timeout" ? "timeout" : "refused"]++;
        return;
      }
      fail(`connect_error: ${err.message}`);
      resolve();
    });
    s.on("connect", () => {
      const at = Date.now();
      if (armed && !c.backAt) {
        c.backAt = at;
        c.backTo = urls[urlIndex % urls.length] ?? "";
      }
      resolve();
      void (async () => {
        try {
          const sync = await emitAck<{ ok: boolean; code?: string }>(s, "session:sync", {});
          if (!sync.ok) throw new Error(`session:sync ${sync.code}`);
          const since = (listing = new Map());
          const pres = await emitAck<{ ok: boolean; code?: string; presence: Record<string, string> }>(s, "presence:list", {});
          listing = undefined;
          if (!pres.ok) throw new Error(`presence:list ${pres.code}`);
          c.presence = new Map([...Object.entries(pres.presence), ...since]);
          if (armed && !c.syncedAt && c.backAt) c.syncedAt = Date.now();
        } catch (err) {
          fail(`sync: ${(err as Error).message}`);
        }
      })();
    });
  });
}

class WsClient {
  private attempt = 0;
  private urlIndex = 0;
  private ws?: WebSocket;
  constructor(
    private readonly c: Client,
    private readonly local: string,
    private readonly onOpen: () => void,
  ) {
    this.open();
  }
  private open(): void {
    const ws = new WebSocket(`${urls[this.urlIndex % urls.length]!.replace(/^http/, "ws")}/?u=${this.c.user.id}`, { localAddress: this.local });
    this.ws = ws;
    ws.on("open", () => {
      this.attempt = 0;
      const at = Date.now();
      if (armed && !this.c.backAt) {
        this.c.backAt = at;
        this.c.syncedAt = at;
        this.c.backTo = urls[this.urlIndex % urls.length] ?? "";
      }
      this.onOpen();
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      // As socket.io-client: a connection lost resets the back-off, a failed attempt grows it.
      setTimeout(() => {
        this.urlIndex = (this.urlIndex + 1) % urls.length;
        this.open();
      }, backoff(this.attempt++));
    });
  }
  close(): void {
    this.ws?.removeAllListeners("close");
    this.ws?.terminate();
  }
}


process.on("message", (m: Msg) => {
  void handle(m).catch((err: unknown) => send({ type: "error", command: m.type, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on("disconnect", () => process.exit(0));

async function handle(m: Msg): Promise<void> {
  switch (m.type) {
    case "init": {
      urls = m.urls;
      const t0 = Date.now();
      await pool(m.users, 100, async (user, i) => {
        const c: Client = { user, backAt: 0, syncedAt: 0, backTo: "", presence: new Map() };
        clients.set(user.id, c);
        const local = m.sourceAddresses[i % m.sourceAddresses.length]!;
        if (m.mode === "dialtone") await connectDialtone(c, local);
        else await new Promise<void>((resolve) => (c.ws = new WsClient(c, local, resolve)));
      });
      send({ type: "init", seconds: (Date.now() - t0) / 1000, errors: errors.splice(0) });
      return;
    }
    case "arm": {
      for (const c of clients.values()) {
        c.backAt = 0;
        c.syncedAt = 0;
        c.backTo = "";
      }
      armed = true;
      failedAttempts.refused = 0;
      failedAttempts.timeout = 0;
      send({ type: "arm" });
      // Report once every user is back and synced (or keep reporting progress).
      const timer = setInterval(() => {
        let back = 0;
        let synced = 0;
        for (const c of clients.values()) {
          if (c.backAt) back++;
          if (c.syncedAt) synced++;
        }
        send({ type: "progress", back, synced, total: clients.size });
      }, 250);
      (globalThis as { stormTimer?: NodeJS.Timeout }).stormTimer = timer;
      return;
    }
    case "urls":
      urls = m.urls;
      send({ type: "urls" });
      return;
    case "check": {
      clearInterval((globalThis as { stormTimer?: NodeJS.Timeout }).stormTimer);
      armed = false;
      const backAt: number[] = [];
      const syncedAt: number[] = [];
      const backTo: Record<string, number> = {};
      for (const c of clients.values()) {
        backAt.push(c.backAt);
        syncedAt.push(c.syncedAt);
        backTo[c.backTo] = (backTo[c.backTo] ?? 0) + 1;
      }
      // Presence: every user is connected, so each sampled user's contacts must all show online,
      // both in the map the UI keeps (pushed) and in a fresh presence:list.
      let pushedOk = 0;
      let listOk = 0;
      const wrong: string[] = [];
      // All at once, 5 s each at most: a node that does not answer must not hold the bench for 200 × 20 s.
      await Promise.all(
        m.sample.map(async (id) => {
          const c = clients.get(id);
          if (!c?.socket) return;
          const pushed = c.user.contacts.every((k) => c.presence.get(k) === "online");
          if (pushed) pushedOk++;
          else wrong.push(`${id}: ${c.user.contacts.map((k) => c.presence.get(k) ?? "?").join(",")}`);
          const res = await emitAck<{ ok: boolean; presence?: Record<string, string> }>(c.socket, "presence:list", {}, 5_000).catch(() => ({ ok: false }) as const);
          if (res.ok && c.user.contacts.every((k) => res.presence?.[k] === "online")) listOk++;
        }),
      );
      send({ type: "check", backAt, syncedAt, backTo, failedAttempts, errors: errors.splice(0), pushedOk, listOk, sampled: m.sample.filter((id) => clients.get(id)?.socket).length, wrong: wrong.slice(0, 5) });
      return;
    }
    case "ring": {
      const caller = clients.get(m.caller)?.socket;
      const callee = clients.get(m.callee)?.socket;
      if (!caller || !callee) throw new Error("ring: users not here");
      const incoming = new Promise<number>((resolve) => callee.once("call:incoming", () => resolve(performance.now())));
      const t0 = performance.now();
      const ack = await emitAck<{ ok: boolean; code?: string; call?: { id: string } }>(caller, "call:invite", { calleeId: m.callee, kind: "video" }, 5_000).catch(
        (err: Error) => ({ ok: false, code: err.message }) as { ok: boolean; code?: string; call?: { id: string } },
      );
      if (!ack.ok || !ack.call) {
        send({ type: "ring", ok: false, why: `invite: ${ack.code}` });
        return;
      }
      const t1 = await Promise.race([incoming, new Promise<number>((r) => setTimeout(() => r(NaN), 5_000))]);
      await emitAck(caller, "call:cancel", { callId: ack.call.id }, 5_000).catch(() => undefined);
      send({ type: "ring", ok: Number.isFinite(t1), ms: t1 - t0, why: Number.isFinite(t1) ? "" : "no call:incoming within 5 s" });
      return;
    }
    case "stop":
      for (const c of clients.values()) {
        c.socket?.disconnect();
        c.ws?.close();
      }
      send({ type: "stop" });
      setTimeout(() => process.exit(0), 100);
      return;
  }
}
