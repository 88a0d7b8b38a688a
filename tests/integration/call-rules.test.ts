// The call rules (server/call-domain/call-rules.ts) as ONE table of cases, run three
// ways: against the pure decision functions, against MemoryCallStore (one
// node, which calls them) and against RedisCallStore on a throwaway
// redis-server (several nodes: the Lua transcription of the same rules). A
// case is a set of live calls built through the store's own decisions, then
// one invite or accept; every way must give the case's verdict, so the memory
// store and the Lua scripts cannot drift apart.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { decideAccept, decideInvite, ownRingsOnAccept, type LiveCall } from "../../server/call-domain/call-rules";
import { RedisCallStore } from "../../server/calls/redis-store";
import { MemoryCallStore } from "../../server/calls/memory-store";
import type { CallStore, RingLimit } from "../../server/calls/store";
import { createDb, type Db } from "../../server/db/client";
import { connectRedis, type RedisClient } from "../../server/redis";
import { startRedis, type TestRedis } from "../support/redis";
import { createFreshDb } from "./harness";

type User = "A" | "B" | "C" | "D";
/** A live call set up before the action: placed `from` → `to`, then left ringing, accepted, or left to expire. */
type Step = { label: string; from: User; to: User; state: "ringing" | "active" | "expired" };
/** `labels`: the set-up calls the verdict names (glare's call, expired rings, the accepter's own rings). */
type InviteCase = { name: string; setup: Step[]; invite: [User, User]; verdict: "rang" | "caller_busy" | "callee_busy" | "glare"; glare?: string; expired?: string[] };
type AcceptCase = { name: string; setup: Step[]; accept: { call: string; by: User }; verdict: "accepted" | "not_found" | "caller_busy" | "invalid_state" | "answered_elsewhere" | "ring_over"; ownRings?: string[] };

const r = (label: string, from: User, to: User): Step => ({ label, from, to, state: "ringing" });
const a = (label: string, from: User, to: User): Step => ({ label, from, to, state: "active" });
const x = (label: string, from: User, to: User): Step => ({ label, from, to, state: "expired" });

const INVITES: InviteCase[] = [
  { name: "nobody is in a call: it rings", setup: [], invite: ["A", "B"], verdict: "rang" },
  { name: "the caller is in an active call", setup: [a("ac", "A", "C")], invite: ["A", "B"], verdict: "caller_busy" },
  { name: "the caller answered a call (as its callee)", setup: [a("ca", "C", "A")], invite: ["A", "B"], verdict: "caller_busy" },
  { name: "the caller is already placing a call", setup: [r("ac", "A", "C")], invite: ["A", "B"], verdict: "caller_busy" },
  { name: "a call merely ringing for the caller does not stop them", setup: [r("ca", "C", "A")], invite: ["A", "B"], verdict: "rang" },
  { name: "glare: the callee is ringing the caller", setup: [r("ba", "B", "A")], invite: ["A", "B"], verdict: "glare", glare: "ba" },
  { name: "caller busy wins over glare", setup: [r("ba", "B", "A"), a("ac", "A", "C")], invite: ["A", "B"], verdict: "caller_busy" },
  { name: "the callee is in an active call", setup: [a("bc", "B", "C")], invite: ["A", "B"], verdict: "callee_busy" },
  { name: "the callee is placing a call to someone else", setup: [r("bc", "B", "C")], invite: ["A", "B"], verdict: "callee_busy" },
  { name: "the callee is being rung by someone else", setup: [r("cb", "C", "B")], invite: ["A", "B"], verdict: "callee_busy" },
  { name: "an expired ring of the caller's does not count, and is reported", setup: [x("ac", "A", "C")], invite: ["A", "B"], verdict: "rang", expired: ["ac"] },
  { name: "an expired ring to the callee does not count", setup: [x("cb", "C", "B")], invite: ["A", "B"], verdict: "rang", expired: ["cb"] },
  { name: "an expired crossing ring is not glare", setup: [x("ba", "B", "A")], invite: ["A", "B"], verdict: "rang", expired: ["ba"] },
  { name: "busy with expired rings reports them too", setup: [x("ad", "A", "D"), a("bc", "B", "C")], invite: ["A", "B"], verdict: "callee_busy", expired: ["ad"] },
  { name: "other people's calls do not matter", setup: [a("cd", "C", "D")], invite: ["A", "B"], verdict: "rang" },
];

const ACCEPTS: AcceptCase[] = [
  { name: "the callee accepts a ringing call", setup: [r("ab", "A", "B")], accept: { call: "ab", by: "B" }, verdict: "accepted" },
  { name: "the caller cannot accept their own call", setup: [r("ab", "A", "B")], accept: { call: "ab", by: "A" }, verdict: "invalid_state" },
  { name: "a stranger cannot accept", setup: [r("ab", "A", "B")], accept: { call: "ab", by: "C" }, verdict: "not_found" },
  { name: "an unknown call", setup: [], accept: { call: "nope", by: "B" }, verdict: "not_found" },
  { name: "a second device of the callee loses", setup: [a("ab", "A", "B")], accept: { call: "ab", by: "B" }, verdict: "answered_elsewhere" },
  { name: "the ring time is over (its timer has not fired)", setup: [x("ab", "A", "B")], accept: { call: "ab", by: "B" }, verdict: "ring_over" },
  // D rings B; B, rung, calls C, who answers: D's ring to B is still there.
  { name: "the callee is already in another active call", setup: [r("db", "D", "B"), a("bc", "B", "C")], accept: { call: "db", by: "B" }, verdict: "caller_busy" },
  { name: "the ringing call's caller cannot accept it, while its callee is busy elsewhere", setup: [r("db", "D", "B"), a("bc", "B", "C")], accept: { call: "db", by: "D" }, verdict: "invalid_state" },
  { name: "accepting ends the accepter's own outgoing ring", setup: [r("ab", "A", "B"), r("bc", "B", "C")], accept: { call: "ab", by: "B" }, verdict: "accepted", ownRings: ["bc"] },
];

const RING_MS = 60_000;

describe("call rules: one table, the pure rules and both stores", () => {
  let redis: TestRedis;
  let client: RedisClient;
  let db: Db;
  let dir: string;
  let drop: () => Promise<void>;
  before(async () => {
    redis = await startRedis();
    client = await connectRedis(redis.url);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dialtone-rules-"));
    const fresh = await createFreshDb(dir);
    drop = fresh.drop;
    db = createDb(fresh.url);
  });
  after(async () => {
    await client.quit();
    await redis.stop();
    await db.$disconnect();
    await drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Fresh users A-D and a fresh store of this kind (its own key prefix on Redis). */
  async function world(kind: "memory" | "redis") {
    const tag = randomBytes(4).toString("hex");
    const users = Object.fromEntries(
      (["A", "B", "C", "D"] as const).map((u) => [u, { id: `${u}${tag}`, name: `${u} ${tag}` }]),
    ) as Record<User, { id: string; name: string }>;
    await db.user.createMany({ data: Object.values(users).map((u) => ({ ...u, email: `${u.id}@rules.test`, passwordHash: "x" })) });
    const store: CallStore = kind === "memory" ? new MemoryCallStore(db) : new RedisCallStore(db, client, `rules:${tag}:`);
    await store.ready;
    const ids = new Map<string, string>();
    const live: (LiveCall & { ringExpires: number; label: string })[] = [];
    const now = new Date();
    const invite = (from: User, to: User, at: Date, limit?: RingLimit, id: string = randomUUID()) =>
      store.invite({ id, callerId: users[from].id, calleeId: users[to].id, kind: "audio", caller: users[from], callee: users[to], now: at, ringTimeoutMs: RING_MS, limit });
    /** Builds the set-up through the store's own decisions. */
    const build = async (setup: Step[]) => {
      for (const s of setup) {
        const at = s.state === "expired" ? new Date(now.getTime() - 2 * RING_MS) : new Date(now.getTime() - 1_000);
        const d = await invite(s.from, s.to, at);
        assert.equal(d.kind, "rang", `set-up ${s.label} must ring (got ${d.kind})`);
        if (d.kind !== "rang") return;
        ids.set(s.label, d.call.id);
        await d.persisted;
        let status: LiveCall["status"] = "ringing";
        if (s.state === "active") {
          const acc = await store.accept(d.call.id, users[s.to].id, new Date(now.getTime() - 500));
          assert.equal(acc.kind, "accepted", `set-up ${s.label} must be accepted`);
          if (acc.kind === "accepted") await acc.persisted;
          status = "active";
        }
        live.push({ id: d.call.id, callerId: users[s.from].id, calleeId: users[s.to].id, status, ringExpires: at.getTime() + RING_MS, label: s.label });
      }
    };
    const label = (id: string) => [...ids].find(([, v]) => v === id)?.[0] ?? id;
    return { store, users, ids, live, now, invite, build, label };
  }

  for (const kind of ["memory", "redis"] as const) {
    describe(`${kind} store`, () => {
      for (const c of INVITES) {
        test(`invite: ${c.name} → ${c.verdict}`, async () => {
          const w = await world(kind);
          await w.build(c.setup);
          const [from, to] = c.invite;
          // The pure rules, over the set-up's live calls (rings past their time left out).
          const current = w.live.filter((l) => !(l.status === "ringing" && l.ringExpires <= w.now.getTime()));
          const pure = decideInvite(current, w.users[from].id, w.users[to].id);
          assert.equal(pure?.kind ?? "rang", c.verdict, "the pure rule");
          if (pure?.kind === "glare") assert.equal(w.label(pure.callId), c.glare);

          const d = await w.invite(from, to, w.now);
          assert.equal(d.kind, c.verdict, `${kind} store`);
          if (d.kind === "glare") assert.equal(w.label(d.callId), c.glare);
          if ("expired" in d) assert.deepEqual(d.expired.map(w.label).sort(), [...(c.expired ?? [])].sort(), "expired rings reported");
          if (d.kind === "rang") await d.persisted;
        });
      }

      for (const c of ACCEPTS) {
        test(`accept: ${c.name} → ${c.verdict}`, async () => {
          const w = await world(kind);
          await w.build(c.setup);
          const by = w.users[c.accept.by].id;
          const callId = w.ids.get(c.accept.call) ?? `unknown_${randomBytes(4).toString("hex")}`;
          const target = w.live.find((l) => l.id === callId);
          if (target) {
            const mine = w.live.filter((l) => l.callerId === by || l.calleeId === by);
            const pure = decideAccept(target, mine, by, w.now.getTime());
            assert.equal(pure ?? "accepted", c.verdict, "the pure rule");
            if (!pure) assert.deepEqual(ownRingsOnAccept(mine, by, callId).map(w.label), c.ownRings ?? []);
          }
          const d = await w.store.accept(callId, by, w.now);
          assert.equal(d.kind === "accepted" ? "accepted" : d.code, c.verdict, `${kind} store`);
          if (d.kind === "accepted") {
            assert.equal(d.call.status, "active");
            assert.deepEqual(d.ownRings.map(w.label), c.ownRings ?? []);
            await d.persisted;
          }
        });
      }

      test("accept after the call ended: invalid_state for a participant, not_found for anyone else", async () => {
        const w = await world(kind);
        await w.build([r("ab", "A", "B")]);
        const id = w.ids.get("ab")!;
        const ended = await w.store.transition(id, "ringing", { status: "ended", outcome: "cancelled", endReason: "cancelled", endedAt: new Date() });
        assert.equal(ended.won, true);
        await ended.persisted;
        const by = async (u: User) => {
          const d = await w.store.accept(id, w.users[u].id, new Date());
          return d.kind === "accepted" ? "accepted" : d.code;
        };
        assert.equal(await by("B"), "invalid_state");
        assert.equal(await by("C"), "not_found");
      });

      test("the ring limit: counted before the busy rules, refused invites included, a new window after it ends", async () => {
        const w = await world(kind);
        const limit: RingLimit = { key: `rules:limit:${randomUUID()}`, points: 2, durationMs: 400 };
        await w.build([a("cd", "C", "D")]);
        const first = await w.invite("A", "C", w.now, limit);
        assert.equal(first.kind, "callee_busy", "a busy invite uses a point");
        const second = await w.invite("A", "B", w.now, limit);
        assert.equal(second.kind, "rang");
        if (second.kind === "rang") await second.persisted;
        assert.equal((await w.invite("A", "D", w.now, limit)).kind, "rate_limited", "over the limit: refused before the busy rules");
        await new Promise((res) => setTimeout(res, 450));
        // A new window (the caller still places a call: busy, not limited).
        assert.equal((await w.invite("A", "D", new Date(), limit)).kind, "caller_busy");
      });
    });
  }
});
