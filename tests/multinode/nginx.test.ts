// Dialtone behind a real nginx (the docs/production.md proxy settings):
// websocket signaling works through it; with TRUST_PROXY=1 two clients (two
// source addresses) have separate sign-in budgets, without it they share the
// proxy's; an X-Forwarded-For a client sends itself is never believed (nginx
// appends the real address, and one trusted hop reads only that).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { migrate } from "../../server/db/migrate";
import { nginxInstalled, startNginx, type TestNginx } from "../support/nginx";
import { startNode, type DialtoneNode } from "./cluster";

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One HTTP request from a chosen loopback source address (a distinct "client"). */
function send(url: string, o: { method?: string; from: string; headers?: Record<string, string>; body?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? "GET", localAddress: o.from, headers: o.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

const cookiesOf = (res: Res) => ((res.headers["set-cookie"] as string[] | undefined) ?? []).map((c) => c.split(";")[0]!);

/** next-auth's credentials sign-in (CSRF token first): the session cookie, or the error next-auth reports. */
async function signIn(base: string, from: string, email: string, password: string, spoof?: string): Promise<{ cookie?: string; error?: string }> {
  const csrf = await send(`${base}/api/auth/csrf`, { from });
  const jar = cookiesOf(csrf);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const res = await send(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    from,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; "), ...(spoof ? { "x-forwarded-for": spoof } : {}) },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="));
  if (session) return { cookie: session };
  const url = (JSON.parse(res.body) as { url?: string }).url ?? "";
  return { error: new URL(url, base).searchParams.get("error") ?? `status ${res.status}` };
}

describe("behind nginx", { skip: nginxInstalled() ? false : "nginx is not installed (apt-get install nginx)" }, () => {
  let dir: string;
  const nodes: DialtoneNode[] = [];
  const proxies: TestNginx[] = [];
  let trusting: TestNginx;
  let untrusting: TestNginx;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-nginx-it-"));
    const secret = randomBytes(32).toString("base64url");
    const node = async (name: string, extra: Record<string, string>) => {
      const dbUrl = `file:${path.join(dir, `${name}.db`)}`;
      await migrate(dbUrl);
      const n = await startNode(name, { DATABASE_URL: dbUrl, AUTH_SECRET: secret, DATA_DIR: dir, SIGNUPS_PER_IP_PER_HOUR: "1000", ...extra });
      nodes.push(n);
      const p = await startNginx(n.url);
      proxies.push(p);
      return p;
    };
    [trusting, untrusting] = await Promise.all([node("trusting", { TRUST_PROXY: "1" }), node("untrusting", {})]);
  });
  after(async () => {
    for (const p of proxies) await p.stop();
    for (const n of nodes) await n.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function signUp(base: string, email: string) {
    const res = await send(`${base}/api/signup`, {
      method: "POST",
      from: "127.0.0.9",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Nia", email, password: "correct-password" }),
    });
    assert.equal(res.status, 201, res.body);
  }

  /** 10 wrong passwords from client X (each with a different forged X-Forwarded-For), then the right one from X and from Y. */
  async function lockoutRound(base: string) {
    const email = `nia-${randomBytes(3).toString("hex")}@nginx.test`;
    await signUp(base, email);
    for (let i = 0; i < 10; i++) assert.equal((await signIn(base, "127.0.0.2", email, `wrong-${i}`, `198.51.100.${i}`)).error, "CredentialsSignin");
    return { email, fromX: await signIn(base, "127.0.0.2", email, "correct-password", "198.51.100.77"), fromY: await signIn(base, "127.0.0.3", email, "correct-password") };
  }

  test("TRUST_PROXY=1: the guessing client is refused for that email (its forged X-Forwarded-For did not help), another client signs in", async () => {
    const { fromX, fromY } = await lockoutRound(trusting.url);
    assert.equal(fromX.error, "rate_limited");
    assert.ok(fromY.cookie, `client Y: ${fromY.error}`);
  });

  test("without TRUST_PROXY every client is nginx's address: they share one budget", async () => {
    const { fromX, fromY } = await lockoutRound(untrusting.url);
    assert.equal(fromX.error, "rate_limited");
    assert.equal(fromY.error, "rate_limited");
  });

  test("websocket signaling through nginx", async () => {
    const email = `ws-${randomBytes(3).toString("hex")}@nginx.test`;
    await signUp(trusting.url, email);
    const { cookie } = await signIn(trusting.url, "127.0.0.4", email, "correct-password");
    assert.ok(cookie);
    const socket = io(`${trusting.url}/signaling`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      const ack = (await socket.timeout(5_000).emitWithAck("session:sync", {})) as { ok: boolean };
      assert.equal(ack.ok, true);
    } finally {
      socket.disconnect();
    }
  });
});
