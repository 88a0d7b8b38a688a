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
import { chromium, type BrowserContext, type Request } from "@playwright/test";
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

/**
 * Compressed bytes of the scripts a first visit loads: `first` = those asked
 * for before the page's load event (the HTML's own scripts and what hydration
 * needs: Next's "first load JS"), `later` = those fetched in the second after
 * it (code the page splits off and preloads when idle, e.g. the call
 * surfaces). Route prefetches come later still and are in neither.
 */
async function scriptBytes(context: BrowserContext, url: string): Promise<{ first: Sizes; later: Sizes }> {
  const page = await context.newPage();
  let loaded = false;
  const early = new Set<Request>();
  const sizes: Promise<{ early: boolean; bytes: number; url: string }>[] = [];
  page.on("load", () => (loaded = true));
  page.on("request", (req) => {
    if (!loaded) early.add(req);
  });
  page.on("requestfinished", (req) => {
    if (req.resourceType() === "script") sizes.push(req.sizes().then((s) => ({ early: early.has(req), bytes: s.responseBodySize, url: req.url() })));
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(1_000);
  await page.close();
  const all = await Promise.all(sizes);
  // `-- --files`: every script with its size, to see what makes a page heavy.
  if (process.argv.includes("--files")) {
    for (const f of all.sort((x, y) => y.bytes - x.bytes)) console.log(`      ${f.early ? "first" : "later"} ${(f.bytes / 1024).toFixed(1).padStart(6)} KB ${new URL(f.url).pathname}`);
  }
  const sum = (list: typeof all) => ({ bytes: list.reduce((a, b) => a + b.bytes, 0), files: list.length });
  return { first: sum(all.filter((s) => s.early)), later: sum(all.filter((s) => !s.early)) };
}

type Sizes = { bytes: number; files: number };

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
      const { first, later } = await scriptBytes(context, page);
      await context.close();
      const kb = first.bytes / 1024;
      if (kb > BUDGET_KB) over++;
      console.log(
        `  ${page.padEnd(10)} ${kb.toFixed(1).padStart(7)} KB in ${String(first.files).padStart(2)} files  ${kb > BUDGET_KB ? "OVER" : "ok"}` +
          `   (+ ${(later.bytes / 1024).toFixed(1)} KB in ${later.files} files fetched after load)`,
      );
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
