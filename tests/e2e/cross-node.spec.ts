// Caller and callee load Dialtone from two different nodes (separate server
// processes sharing one database and a throwaway redis-server) and talk with
// real media: ring, answer, SDP/ICE all cross the Redis adapter.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { migrateSqlite } from "../../server/db/migrate";
import { startNode, type DialtoneNode } from "../multinode/cluster";
import { freePort, startRedis, type TestRedis } from "../support/redis";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, newUser, openContactsAndSeeOnline, test, type User } from "./fixtures";

let redis: TestRedis;
let dir: string;
const nodes: DialtoneNode[] = [];
const users: User[] = [];

test.beforeAll(async () => {
  test.setTimeout(90_000);
  redis = await startRedis();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-e2e-nodes-"));
  const dbUrl = `file:${path.join(dir, "nodes.db")}`;
  migrateSqlite(dbUrl);
  const secret = randomBytes(32).toString("base64url");
  for (const name of ["node-1", "node-2"]) {
    const port = await freePort();
    nodes.push(
      await startNode(name, {
        PORT: String(port),
        NEXTAUTH_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: dbUrl,
        AUTH_SECRET: secret,
        REDIS_URL: redis.url,
        SIGNUPS_PER_IP_PER_HOUR: "1000",
      }),
    );
  }
});

test.afterAll(async () => {
  for (const u of users) await u.context.close().catch(() => undefined);
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test("caller on node 1, callee on node 2: ring, answer, media both ways, hang up", async ({ browser }) => {
  const [n1, n2] = nodes;
  if (!n1 || !n2) throw new Error("nodes did not start");
  const alice = await newUser(browser, "Alice", n1.url);
  const bob = await newUser(browser, "Bob", n2.url);
  users.push(alice, bob);
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  expect(new URL(alice.page.url()).origin).toBe(n1.url);
  expect(new URL(bob.page.url()).origin).toBe(n2.url);

  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  const incoming = bob.page.getByRole("alertdialog");
  await expect(incoming).toContainText("Alice");
  await incoming.getByRole("button", { name: "Accept", exact: true }).click();

  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await mediaFlowing(alice.page, "video", "Alice (node 1)");
  await mediaFlowing(bob.page, "video", "Bob (node 2)");
  await mediaFlowing(alice.page, "audio", "Alice (node 1)");
  await mediaFlowing(bob.page, "audio", "Bob (node 2)");

  await bobCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(aliceCall).toBeHidden();
  await expect(bobCall).toBeHidden();
});
