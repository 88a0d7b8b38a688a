import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import type { ReactNode } from "react";
import { authOptions } from "@/server/auth/options";
import { AppShell } from "./app-shell";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!session?.user || !id) redirect("/signin");
  return <AppShell me={{ id, name: session.user.name ?? "" }}>{children}</AppShell>;
}
