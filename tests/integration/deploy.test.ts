// The deployment files, checked as far as this machine allows (no Docker
// daemon here; docs/production.md, "What was exercised", says what was not):
// - deploy/nginx.conf: `nginx -t` on the shipped file, then the same file
//   serving for real (TLS, the http → https redirect, the websocket upgrade and
//   the proxy headers reaching a node), with only its deployment values (node
//   addresses, ports, certificate and pid paths) pointed at a temp dir;
// - deploy/dialtone.service: `systemd-analyze verify`, and the keys a node's
//   graceful restart depends on;
// - docker-compose.yml: parsed, every service and its wiring, every
//   variable in deploy/env.example, the nodes' environment accepted by the
//   server's own config schema;
// - Dockerfile + .dockerignore: multi-stage, non-root, the health check
//   command run against a real /healthz, and everything the build copies
//   present and not ignored.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createServer, get as httpGet, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { loadEnv } from "../../server/env";
import { NGINX_BIN } from "../support/nginx";
import { freePort } from "../support/redis";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

describe("deploy/nginx.conf", () => {
  const shipped = read("deploy/nginx.conf");
  let dir: string;
  let nginx: ChildProcess | undefined;
  let node: Server;
  let seen: IncomingHttpHeaders[] = [];
  let ports: { http: number; https: number };

  /** The shipped file with only its deployment values changed; fails if anything else would change. */
  function localised(upstream: string): string {
    const swaps: [RegExp, string][] = [
      [/server dialtone1:3000;/, `server ${upstream};`],
      [/server dialtone2:3000;/, `server ${upstream};`],
      [/listen 443 ssl http2;/, `listen 127.0.0.1:${ports.https} ssl http2;`],
      [/listen 80;/, `listen 127.0.0.1:${ports.http};`],
      [/\/etc\/nginx\/certs\//g, `${dir}/`],
      [/pid \/run\/nginx\.pid;/, `pid ${dir}/nginx.pid;`],
    ];
    let out = shipped;
    for (const [re, to] of swaps) {
      assert.match(out, re, `deploy/nginx.conf no longer has ${re}`);
      out = out.replace(re, to);
    }
    const before = shipped.split("\n");
    const after = out.split("\n");
    assert.equal(after.length, before.length);
    const changed = before.filter((l, i) => l !== after[i]).map((l) => l.trim());
    assert.deepEqual(changed.sort(), [
      "listen 443 ssl http2;",
      "listen 80;",
      "pid /run/nginx.pid;",
      "server dialtone1:3000;",
      "server dialtone2:3000;",
      "ssl_certificate     /etc/nginx/certs/fullchain.pem;",
      "ssl_certificate_key /etc/nginx/certs/privkey.pem;",
    ]);
    return out;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-deploy-nginx-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/privkey.pem`, "-out", `${dir}/fullchain.pem`, "-days", "1", "-subj", "/CN=call.example.org"], { stdio: "ignore" });
    // A stand-in node: answers /healthz, records the headers nginx sends, accepts a websocket upgrade.
    node = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
    node.on("upgrade", (req, socket) => {
      seen.push(req.headers);
      socket.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    });
    await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
    ports = { http: await freePort(), https: await freePort() };
    fs.writeFileSync(path.join(dir, "nginx.conf"), localised(`127.0.0.1:${(node.address() as AddressInfo).port}`));
  });
  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((r) => nginx!.once("exit", r));
      nginx.kill("SIGTERM");
      await gone;
    }
    await new Promise((r) => node.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("nginx -t accepts it", () => {
    const r = spawnSync(NGINX_BIN, ["-t", "-p", dir, "-c", path.join(dir, "nginx.conf")], { encoding: "utf8" });
    assert.equal(r.status, 0, `nginx -t: ${r.stderr}`);
    assert.match(r.stderr, /test is successful/);
  });

  test("it serves: TLS to the nodes with the proxy headers, the websocket upgrade, http → https", async () => {
    nginx = spawn(NGINX_BIN, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
    const get = (p: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const req = https.get({ host: "127.0.0.1", port: ports.https, path: p, servername: "call.example.org", headers: { host: "call.example.org", ...headers }, rejectUnauthorized: false }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.on("upgrade", (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" });
        });
      });
    const deadline = Date.now() + 10_000;
    let health: Awaited<ReturnType<typeof get>> | undefined;
    while (!health) {
      health = await get("/healthz").catch(() => undefined);
      if (!health && Date.now() > deadline) throw new Error("nginx did not start");
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(health.status, 200);
    assert.equal(health.body, '{"status":"ok"}');
    const proxied = seen.at(-1)!;
    assert.equal(proxied.host, "call.example.org", "Host is passed on (the handshake's origin check needs it)");
    assert.equal(proxied["x-forwarded-proto"], "https");
    assert.equal(proxied["x-forwarded-for"], "127.0.0.1", "the client address is appended for TRUST_PROXY=1");

    seen = [];
    const ws = await get("/socket.io/?EIO=4&transport=websocket", { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" });
    assert.equal(ws.status, 101, "the websocket upgrade goes through");
    assert.equal(seen[0]?.upgrade, "websocket");
    assert.equal(seen[0]?.connection?.toLowerCase(), "upgrade");

    const plain = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet({ host: "127.0.0.1", port: ports.http, path: "/contacts?x=1", headers: { host: "call.example.org" } }, resolve).on("error", reject),
    );
    plain.resume();
    assert.equal(plain.statusCode, 301);
    assert.equal(plain.headers.location, "https://call.example.org/contacts?x=1");
  });

  test("it keeps docs/production.md's proxy settings", () => {
    const block = /```nginx\n([\s\S]*?)```/.exec(read("docs/production.md"))?.[1] ?? "";
    const directives = block
      .split("\n")
      .map((l) => l.replace(/#.*$/, "").trim())
      .filter((l) => /^(proxy_|client_max_body_size|keepalive|map |default upgrade|'')/.test(l));
    assert.ok(directives.length >= 9, "found production.md's nginx block");
    const file = shipped.split("\n").map((l) => l.replace(/#.*$/, "").trim());
    for (const d of directives) assert.ok(file.includes(d), `deploy/nginx.conf lacks \`${d}\` (docs/production.md has it)`);
  });
});

describe("deploy/dialtone.service", () => {
  const unit = read("deploy/dialtone.service");
  const keys = new Map<string, string[]>();
  let section = "";
  for (const raw of unit.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    const i = line.indexOf("=");
    assert.ok(i > 0, `not key=value: ${line}`);
    const k = `${section}.${line.slice(0, i)}`;
    keys.set(k, [...(keys.get(k) ?? []), line.slice(i + 1)]);
  }
  const one = (k: string) => keys.get(k)?.at(-1);

  test("systemd-analyze verify finds nothing to say", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-unit-"));
    try {
      fs.copyFileSync(path.join(ROOT, "deploy/dialtone.service"), path.join(dir, "dialtone.service"));
      const r = spawnSync("systemd-analyze", ["verify", path.join(dir, "dialtone.service")], { encoding: "utf8" });
      assert.ok(!r.error, `systemd-analyze could not run (${r.error?.message}): install systemd`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), "", "warnings (an unknown key, a bad value) are failures too");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("runs npm start's script unprivileged, stops with SIGTERM and waits longer than the server's grace", () => {
    assert.equal(one("Service.ExecStart"), "/usr/bin/node scripts/start.mjs");
    assert.ok(one("Service.User") && one("Service.User") !== "root");
    assert.equal(one("Service.KillSignal"), "SIGTERM");
    const grace = loadEnv({ AUTH_SECRET: "x".repeat(32) } as NodeJS.ProcessEnv).SHUTDOWN_GRACE_SECONDS;
    assert.ok(Number(one("Service.TimeoutStopSec")) > grace, `TimeoutStopSec must exceed SHUTDOWN_GRACE_SECONDS (${grace})`);
    assert.equal(one("Service.Restart"), "on-failure");
    assert.equal(one("Service.NoNewPrivileges"), "yes");
    assert.ok(one("Service.ReadWritePaths")?.includes("/data"), "the data directory stays writable under ProtectSystem=strict");
    const env = Object.fromEntries((keys.get("Service.Environment") ?? []).map((e) => e.split("=", 2) as [string, string]));
    assert.equal(env.NODE_ENV, "production");
    assert.equal(one("Install.WantedBy"), "multi-user.target");
  });
});

describe("docker-compose.yml", () => {
  type Service = Record<string, unknown> & {
    image?: string;
    build?: string;
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    volumes?: string[];
    ports?: string[];
    expose?: string[];
    healthcheck?: { test: string[] };
    stop_grace_period?: string;
    network_mode?: string;
    command?: string[];
  };
  const text = read("docker-compose.yml");
  const example = Object.fromEntries(
    read("deploy/env.example")
      .split("\n")
      .filter((l) => /^\w+=/.test(l))
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const values: Record<string, string> = { ...example, AUTH_SECRET: "a".repeat(44), POSTGRES_PASSWORD: "p".repeat(24), TURN_SECRET: "t".repeat(64) };

  /** Compose's interpolation: ${X}, ${X:-default}, ${X:?error}; an unset required variable throws. */
  function interpolate(src: string, env: Record<string, string>): string {
    return src.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
      const v = env[name];
      if (v) return v;
      if (op === "?") throw new Error(`required variable ${name}: ${arg}`);
      return op === "-" ? (arg ?? "") : "";
    });
  }
  const compose = yaml.load(interpolate(text, values)) as { services: Record<string, Service>; volumes?: Record<string, unknown> } & Record<string, unknown>;
  const services = compose.services;

  test("has the compose top level and the six services", () => {
    for (const k of Object.keys(compose)) assert.ok(["services", "volumes", "networks", "configs", "secrets", "name"].includes(k) || k.startsWith("x-"), `unknown top-level key ${k}`);
    assert.deepEqual(Object.keys(services).sort(), ["coturn", "dialtone1", "dialtone2", "nginx", "postgres", "redis"]);
    const known = new Set(["image", "build", "restart", "environment", "depends_on", "volumes", "ports", "expose", "healthcheck", "stop_grace_period", "network_mode", "command"]);
    for (const [name, s] of Object.entries(services)) {
      for (const k of Object.keys(s)) assert.ok(known.has(k), `${name}: unexpected key ${k}`);
      assert.ok(s.image || s.build, `${name} has neither image nor build`);
      for (const dep of Object.keys(s.depends_on ?? {})) assert.ok(services[dep], `${name} depends on unknown ${dep}`);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) assert.ok(services[dep]!.healthcheck || dep.startsWith("dialtone"), `${name} waits for ${dep} to be ${condition}, which has no healthcheck`);
    }
  });

  test("every variable it needs is in deploy/env.example, and an empty .env is refused", () => {
    const used = new Set([...text.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    for (const v of used) assert.ok(v in example, `${v} is not in deploy/env.example`);
    assert.throws(() => interpolate(text, {}), /required variable/);
  });

  test("both nodes: the image built here, PostgreSQL, Redis, TURN, behind one proxy, stopping gracefully", () => {
    const graceDefault = loadEnv({ AUTH_SECRET: "x".repeat(32) } as NodeJS.ProcessEnv).SHUTDOWN_GRACE_SECONDS;
    for (const name of ["dialtone1", "dialtone2"]) {
      const s = services[name]!;
      assert.equal(s.build, ".");
      const env = s.environment!;
      // The server's own schema accepts the node's configuration.
      const parsed = loadEnv(env as NodeJS.ProcessEnv);
      assert.match(parsed.DATABASE_URL, /^postgresql:\/\/dialtone:.+@postgres:5432\/dialtone$/);
      assert.equal(parsed.REDIS_URL, "redis://redis:6379");
      assert.equal(env.TRUST_PROXY, "1");
      assert.equal(parsed.NEXTAUTH_URL, `https://${values.DIALTONE_HOST}`);
      assert.ok(parsed.TURN_URLS.length > 0 && parsed.TURN_SECRET === values.TURN_SECRET);
      const grace = Number(env.SHUTDOWN_GRACE_SECONDS ?? graceDefault);
      assert.ok(Number(/^(\d+)s$/.exec(s.stop_grace_period ?? "")?.[1]) > grace, `${name}: stop_grace_period must exceed SHUTDOWN_GRACE_SECONDS`);
      assert.equal(s.depends_on?.postgres?.condition, "service_healthy");
      assert.equal(s.depends_on?.redis?.condition, "service_healthy");
      assert.deepEqual(s.expose, ["3000"]);
      assert.equal(s.ports, undefined, "nodes are reached through nginx only");
    }
    assert.equal(services.postgres!.environment!.POSTGRES_PASSWORD, values.POSTGRES_PASSWORD);
  });

  test("nginx mounts the shipped config, whose upstream names the nodes; coturn shares the nodes' secret", () => {
    const nginx = services.nginx!;
    const mounts = (nginx.volumes ?? []).map((v) => v.split(":"));
    assert.ok(mounts.some(([from, to]) => from === "./deploy/nginx.conf" && to === "/etc/nginx/nginx.conf"));
    for (const [from] of mounts) if (from!.startsWith("./") && from !== "./deploy/certs") assert.ok(fs.existsSync(path.join(ROOT, from!)), `${from} is missing`);
    const upstreams = [...read("deploy/nginx.conf").matchAll(/^\s*server (\w+):(\d+);/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(upstreams, [["dialtone1", "3000"], ["dialtone2", "3000"]]);
    for (const [host, port] of upstreams) assert.ok(services[host!]?.expose?.includes(port!), `${host}:${port} is not a node`);
    assert.deepEqual(nginx.ports, ["80:80", "443:443"]);

    const coturn = services.coturn!;
    assert.equal(coturn.network_mode, "host");
    assert.ok(coturn.command?.includes(`--static-auth-secret=${values.TURN_SECRET}`));
    const conf = (coturn.volumes ?? []).map((v) => v.split(":")[0]!);
    for (const f of conf) assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} is missing`);
  });
});

describe("Dockerfile and .dockerignore", () => {
  const lines = read("Dockerfile")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages = lines.filter((l) => l.startsWith("FROM "));
  const last = lines.slice(lines.lastIndexOf(stages.at(-1)!));
  const ignore = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const ignored = (p: string) => ignore.some((g) => p === g || p.startsWith(`${g}/`));

  test("multi-stage, and the runtime stage runs npm start's script as a non-root user with a health check", () => {
    assert.ok(stages.length >= 3, "deps, build and runtime stages");
    assert.ok(stages.every((s) => / AS \w+$/.test(s)));
    const user = last.find((l) => l.startsWith("USER "))?.split(" ")[1];
    assert.ok(user && user !== "root" && user !== "0", "the runtime stage runs as a non-root user");
    assert.ok(last.some((l) => l.startsWith("HEALTHCHECK ") && l.includes("/healthz")));
    assert.equal(last.find((l) => l.startsWith("CMD "))?.replace(/\s+/g, " "), 'CMD ["node", "scripts/start.mjs"]');
    assert.ok(last.some((l) => l.startsWith("ENV ") && l.includes("NODE_ENV=production") && l.includes("HOSTNAME=0.0.0.0")));
    assert.ok(last.some((l) => l === "EXPOSE 3000"));
    assert.ok(lines.some((l) => l.includes("npm ci")) && lines.some((l) => l.includes("npm run build")) && lines.some((l) => l.includes("npm prune --omit=dev")));
  });

  test("the health check command answers 0 for a live /healthz and 1 otherwise", async () => {
    const hc = last.find((l) => l.startsWith("HEALTHCHECK "))!;
    const argv = JSON.parse(hc.slice(hc.indexOf("CMD ") + 4)) as string[];
    assert.equal(argv[0], "node");
    let status = 200;
    const srv = createServer((req, res) => res.writeHead(req.url === "/healthz" ? status : 404).end());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const run = () =>
      new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, argv.slice(1), { env: { ...process.env, PORT: String((srv.address() as AddressInfo).port) }, stdio: "ignore" });
        p.on("exit", (code) => resolve(code));
      });
    try {
      assert.equal(await run(), 0);
      status = 503;
      assert.equal(await run(), 1);
    } finally {
      await new Promise((r) => srv.close(r));
    }
    const dead = await freePort();
    const down = spawnSync(process.execPath, argv.slice(1), { env: { ...process.env, PORT: String(dead) } });
    assert.equal(down.status, 1, "nothing listening → unhealthy");
  });

  test("what the build copies is there and not ignored; what must stay out is ignored", () => {
    for (const l of lines.filter((x) => x.startsWith("COPY ") && !x.includes("--from="))) {
      const parts = l.split(/\s+/).slice(1).filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1)) {
        if (src === ".") continue;
        assert.ok(fs.existsSync(path.join(ROOT, src)), `COPY ${src}: missing`);
        assert.ok(!ignored(src), `COPY ${src}: excluded by .dockerignore`);
      }
    }
    for (const needed of ["app", "server", "i18n", "messages", "prisma", "public", "scripts", "package.json", "package-lock.json", "next.config.js", "proxy.ts", "postcss.config.mjs", "tsconfig.json"])
      assert.ok(!ignored(needed), `${needed} is needed by the build but .dockerignore excludes it`);
    for (const out of ["node_modules", ".next", "data", ".env", ".git", "server/db/generated"]) assert.ok(ignored(out), `${out} should not be sent to docker build`);
  });
});
