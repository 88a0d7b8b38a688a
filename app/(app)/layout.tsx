import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getDb } from "@/server/db/client";
import { currentSession } from "@/server/http/respond";
import { hideIpOf } from "@/server/privacy";
import { AppShell } from "./app-shell";

export const dynamic = "force-dynamic";

/**
 * Every signed-in page: proxy.ts already sent visitors without a session
 * cookie to /signin; here the cookie's session must also still exist (a
 * revoked or signed-out session, or a deleted account, goes to /signin too).
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) redirect("/signin");
  const hideIp = await hideIpOf(getDb(), session.userId);
  return <AppShell me={{ id: session.userId, name: session.name, hideIp }}>{children}</AppShell>;
}
