// A throwaway nginx in front of a Dialtone node, with the proxy settings of
// docs/production.md (without TLS): Host, X-Forwarded-Proto,
// X-Forwarded-For $proxy_add_x_forwarded_for, the websocket upgrade. Its own
// temp dir and loopback port; stopped by PID.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "./redis";

export type TestNginx = { url: string; port: number; stop: () => Promise<void> };

export const NGINX_BIN = "/usr/sbin/nginx";
export const nginxInstalled = () => spawnSync(NGINX_BIN, ["-v"]).status === 0;

export async function startNginx(upstream: string): Promise<TestNginx> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-nginx-"));
  const port = await freePort();
  const { host } = new URL(upstream);
  await fs.writeFile(
    path.join(dir, "nginx.conf"),
    `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream dialtone { server ${host}; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64k;
    location / {
      proxy_pass http://dialtone;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 120s;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX_BIN, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  // Ready when it accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/auth/csrf`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx did not start: ${await fs.readFile(path.join(dir, "error.log"), "utf8").catch(() => "")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.off("exit", kill);
      if (child.exitCode === null) {
        const gone = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        await gone;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
