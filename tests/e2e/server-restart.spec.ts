// The server process dies (SIGKILL) during an active call and comes back:
// peer-to-peer media keeps flowing meanwhile, both apps reconnect and rejoin,
// and the call goes on; nothing stays "active" in the database after hang-up.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb } from "../../server/db/client";
import { migrateSqlite } from "../../server/db/migrate";
import { startNode, type DialtoneNode } from "../multinode/cluster";
import { freePort } from "../support/redis";
import { callSection, contactItem, expect, makeContacts, mediaFlowing, newUser, openContactsAndSeeOnline, test, type User } from "./fixtures";

let dir: string;
let node: DialtoneNode | undefined;
const users: User[] = [];

test.afterAll(async () => {
  for (const u of users) await u.context.close().catch(() => undefined);
  await node?.stop().catch(() => undefined);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test("server killed mid-call: media keeps flowing, the apps reconnect and rejoin, the call goes on", async ({ browser }) => {
  test.setTimeout(120_000);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-e2e-restart-"));
  const dbUrl = `file:${path.join(dir, "restart.db")}`;
  migrateSqlite(dbUrl);
  const port = await freePort();
  const env = {
    PORT: String(port),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: dbUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    CALL_GRACE_SECONDS: "20",
    SIGNUPS_PER_IP_PER_HOUR: "1000",
  };
  node = await startNode("restart-1", env);
  const alice = await newUser(browser, "Alice", node.url);
  const bob = await newUser(browser, "Bob", node.url);
  users.push(alice, bob);
  await makeContacts(alice, bob);
  await openContactsAndSeeOnline([alice.page, "Bob"], [bob.page, "Alice"]);
  await contactItem(alice.page, "Bob").getByRole("button", { name: "Video call Bob", exact: true }).click();
  await bob.page.getByRole("alertdialog").getByRole("button", { name: "Accept", exact: true }).click();
  const aliceCall = callSection(alice.page, "Bob");
  const bobCall = callSection(bob.page, "Alice");
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 15_000 });

  await node.crash();
  // The call screen never claims "Connected" while signaling is down.
  await expect(aliceCall.getByRole("status")).toHaveText("You're offline — reconnecting…");
  await expect(aliceCall.getByText("Connected", { exact: true })).toHaveCount(0);
  // No signaling server at all, and the media goes on.
  await mediaFlowing(alice.page, "video", "Alice with the server down");
  await mediaFlowing(bob.page, "video", "Bob with the server down");

  node = await startNode("restart-2", env);
  await expect(aliceCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(bobCall.getByText("Connected", { exact: true })).toBeVisible({ timeout: 20_000 });
  // Both rejoined: signaling works again (a hang-up reaches the other side).
  await expect(aliceCall).toBeVisible();
  await mediaFlowing(bob.page, "video", "Bob after the restart");
  await aliceCall.getByRole("button", { name: "Hang up", exact: true }).click();
  await expect(bobCall).toBeHidden({ timeout: 10_000 });

  const db = createDb(dbUrl);
  try {
    const rows = await db.call.findMany({ select: { status: true, outcome: true } });
    expect(rows).toEqual([{ status: "ended", outcome: "completed" }]);
  } finally {
    await db.$disconnect();
  }
});
