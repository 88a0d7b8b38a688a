import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import type { ReactNode } from "react";
import { authOptions } from "@/server/auth/options";
import { getDb } from "@/server/db/client";
import { hideIpOf } from "@/server/privacy";
import { AppShell } from "./app-shell";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!session?.user || !id) redirect("/signin");
  const hideIp = await hideIpOf(getDb(), id);
  return <AppShell me={{ id, name: session.user.name ?? "", hideIp }}>{children}</AppShell>;
}
