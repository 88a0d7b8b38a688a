// Page weight: the compressed JavaScript a first visit downloads, per page,
// from a production build (Chromium, empty cache, one context per page).
// Prints KB per page and a verdict against the budget.
//   node --import tsx bench/page-weight.ts [--dir <app root>] [--budget-kb 200]
// `--dir` measures another checkout's build (e.g. the base commit), served by
// its own server/index.ts; default: this checkout.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "@playwright/test";
import { CHROMIUM_ARGS } from "../tests/e2e/constants";
import { freePort } from "../tests/support/redis";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROOT = path.resolve(option("--dir") ?? path.join(import.meta.dirname, ".."));
const BUDGET_KB = Number(option("--budget-kb") ?? 200);
const PAGES = ["/signin", "/signup", "/", "/history"];
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "weight.db")}`,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/signin`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error("server did not answer within 60 s");
}

/** A user signed in through the API, so / and /history render (signed out they redirect). */
async function signedIn(context: BrowserContext): Promise<void> {
  const email = `weight-${Date.now()}@bench.test`;
  const password = "page-weight-password";
  const res = await context.request.post("/api/signup", { data: { name: "Weight", email, password } });
  if (res.status() !== 201) throw new Error(`sign-up: ${res.status()} ${await res.text()}`);
  const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await context.request.post("/api/auth/callback/credentials", { form: { csrfToken, email, password, json: "true" } });
}

/** Compressed bytes of every script the page loads until the network is quiet. */
async function scriptBytes(context: BrowserContext, url: string): Promise<{ bytes: number; files: number }> {
  const page = await context.newPage();
  const sizes: Promise<number>[] = [];
  page.on("requestfinished", (req) => {
    if (req.resourceType() === "script") sizes.push(req.sizes().then((s) => s.responseBodySize));
  });
  await page.goto(url, { waitUntil: "load" });
  // Scripts loaded right after load (route prefetches are not first-load JS: Next prefetches in idle time, after this).
  await page.waitForTimeout(1_000);
  await page.close();
  const all = await Promise.all(sizes);
  return { bytes: all.reduce((a, b) => a + b, 0), files: all.length };
}

async function main() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dialtone-weight-"));
  const server = await startServer(port, dataDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let over = 0;
  try {
    const seedContext = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
    await signedIn(seedContext);
    const storageState = await seedContext.storageState();
    await seedContext.close();
    console.log(`[page-weight] ${ROOT}: compressed JavaScript of a first visit (budget ${BUDGET_KB} KB)`);
    for (const page of PAGES) {
      // A fresh context per page: an empty cache, as a first visit has.
      const signedOut = page === "/signin" || page === "/signup";
      const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, storageState: signedOut ? undefined : storageState });
      const { bytes, files } = await scriptBytes(context, page);
      await context.close();
      const kb = bytes / 1024;
      if (kb > BUDGET_KB) over++;
      console.log(`  ${page.padEnd(10)} ${kb.toFixed(1).padStart(7)} KB in ${String(files).padStart(2)} files  ${kb > BUDGET_KB ? "OVER" : "ok"}`);
    }
    console.log(over ? `[page-weight] ${over} page(s) over ${BUDGET_KB} KB` : `[page-weight] every page within ${BUDGET_KB} KB`);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exitCode = over ? 1 : 0;
}

await main();
