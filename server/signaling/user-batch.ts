// Every handshake checks that the session's user still exists (a deleted
// account's cookie must not connect). Handshakes that arrive together (a
// burst of reconnects after a restart, a benchmark's 10,000 users) are
// checked together: one query per burst, not one per socket, which also
// spares the garbage of thousands of small queries.
import type { Db } from "../db/client";

type Found = { id: string; name: string } | null;

export function createUserBatch(db: Db, maxBatch = 500): (userId: string) => Promise<Found> {
  let pending = new Map<string, { resolve: (u: Found) => void; reject: (e: unknown) => void }[]>();
  let scheduled = false;

  const flush = async () => {
    scheduled = false;
    const batch = pending;
    pending = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += maxBatch) {
      const chunk = ids.slice(i, i + maxBatch);
      try {
        const rows = await db.user.findMany({ where: { id: { in: chunk } }, select: { id: true, name: true } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.resolve(byId.get(id) ?? null);
      } catch (err) {
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(err);
      }
    }
  };

  return (userId) =>
    new Promise<Found>((resolve, reject) => {
      let waiters = pending.get(userId);
      if (!waiters) pending.set(userId, (waiters = []));
      waiters.push({ resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}
