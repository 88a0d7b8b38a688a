"use client";
// The account page's data (GET /api/account) and its requests; every change
// reloads it. Answers come back as { ok, code, message } (server/http/respond.ts).
import { useCallback, useEffect, useState } from "react";
import type { ServerError } from "@/app/lib/error-message";
import type { AccountOverview } from "@/server/account/service";

export type Answer = ({ ok: true } & Record<string, unknown>) | ({ ok: false; fields?: Record<string, string> } & ServerError);

/** Sends a JSON request to an account route; a network failure is `null`. */
export async function send(method: "POST" | "DELETE", url: string, body?: unknown): Promise<Answer | null> {
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Answer;
    return res.ok && json.ok ? json : { ...json, ok: false };
  } catch {
    return null;
  }
}

export function useAccount() {
  const [account, setAccount] = useState<AccountOverview | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const reload = useCallback(async () => {
    try {
      const res = await fetch("/api/account", { cache: "no-store" });
      if (!res.ok) throw new Error(`GET /api/account ${res.status}`);
      setAccount((await res.json()) as AccountOverview);
      setLoadFailed(false);
    } catch {
      setLoadFailed(true);
    }
  }, []);
  useEffect(() => {
    // reload() sets state only after its fetch resolves.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
  }, [reload]);
  return { account, loadFailed, reload };
}
