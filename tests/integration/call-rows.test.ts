// The call row writes behind the decisions (server/calls/queries.ts#saveCall):
// with several nodes, the writes of one call are made by whichever node
// decided each step, so they may land in any order; the row must end in the
// latest state whatever the order. Runs on SQLite and on PostgreSQL.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { saveCall, type CallRowSave } from "../../server/calls/queries";
import { startHarness, type Harness } from "./harness";

describe("call rows written out of order", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  async function states() {
    const [a, b] = [await h.createUser("Ana"), await h.createUser("Ben")];
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
    const ringing: CallRowSave = {
      id: randomUUID(),
      createdAt: at(0),
      callerId: a.id,
      calleeId: b.id,
      kind: "video",
      status: "ringing",
      outcome: null,
      endReason: null,
      endedById: null,
      ringExpiresAt: at(30),
      answeredAt: null,
      endedAt: null,
    };
    const active: CallRowSave = { ...ringing, status: "active", answeredAt: at(5) };
    const ended: CallRowSave = { ...active, status: "ended", outcome: "completed", endReason: "hangup", endedById: a.id, endedAt: at(65) };
    return { ringing, active, ended };
  }

  for (const order of [
    ["ringing", "active", "ended"],
    ["ended", "ringing", "active"],
    ["active", "ended", "ringing"],
    ["ended", "active", "ringing"],
  ] as const) {
    test(`written ${order.join(" → ")}: the row ends as the ended call`, async () => {
      const s = await states();
      for (const k of order) await saveCall(h.db, s[k]);
      const row = await h.db.call.findUniqueOrThrow({ where: { id: s.ringing.id } });
      assert.equal(row.status, "ended");
      assert.equal(row.outcome, "completed");
      assert.equal(row.endReason, "hangup");
      assert.equal(row.endedById, s.ended.endedById);
      assert.equal(row.answeredAt?.toISOString(), s.ended.answeredAt?.toISOString());
      assert.equal(row.endedAt?.toISOString(), s.ended.endedAt?.toISOString());
      assert.equal(row.createdAt.toISOString(), s.ringing.createdAt.toISOString());
    });
  }

  test("an accept written before its ring: the row is active, and the late ring does not move it back", async () => {
    const s = await states();
    await saveCall(h.db, s.active);
    await saveCall(h.db, s.ringing);
    const row = await h.db.call.findUniqueOrThrow({ where: { id: s.ringing.id } });
    assert.equal(row.status, "active");
    assert.equal(row.answeredAt?.toISOString(), s.active.answeredAt?.toISOString());
  });
});
