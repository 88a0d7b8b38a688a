"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useState, type ReactNode } from "react";
import { CallLayer } from "@/app/call/call-layer";
import { CallProvider, useCalls } from "@/app/call/call-provider";

export function AppShell({ me, children }: { me: { id: string; name: string }; children: ReactNode }) {
  return (
    <CallProvider me={me}>
      <Nav />
      <main className="mx-auto w-full max-w-3xl p-3 sm:p-6">{children}</main>
      <CallLayer />
    </CallProvider>
  );
}

function Nav() {
  const { me, historyVersion } = useCalls();
  const pathname = usePathname();
  const missed = useUnseenMissed(historyVersion, pathname);
  const link = (href: string, label: string) => (
    <Link
      href={href}
      aria-current={pathname === href ? "page" : undefined}
      className="rounded px-2 py-1 font-medium hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 aria-[current=page]:text-brand"
    >
      {label}
    </Link>
  );
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-3xl flex-wrap items-center gap-2 p-3">
        <span className="mr-2 font-bold text-brand">Dialtone</span>
        {link("/", "Contacts")}
        {link("/history", "History")}
        {missed > 0 && (
          <span aria-label="Unseen missed calls" className="rounded-full bg-red-600 px-2 text-sm font-bold text-white">
            {missed}
          </span>
        )}
        <span className="ml-auto truncate text-sm text-slate-600">{me.name}</span>
        <button
          type="button"
          onClick={() => void signOut({ callbackUrl: "/signin" })}
          className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline focus-visible:outline-2"
        >
          Sign out
        </button>
      </nav>
    </header>
  );
}

/** Unseen missed calls; refetched when a call ends and when pages change. */
function useUnseenMissed(version: number, pathname: string): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stale = false;
    void fetch("/api/history?count=1", { cache: "no-store" })
      .then((r) => (r.ok ? (r.json() as Promise<{ unseenMissed?: number }>) : null))
      .then((body) => {
        if (!stale && body && typeof body.unseenMissed === "number") setCount(body.unseenMissed);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [version, pathname]);
  useEffect(() => {
    const onSeen = () => setCount(0);
    window.addEventListener("dialtone:missed-seen", onSeen);
    return () => window.removeEventListener("dialtone:missed-seen", onSeen);
  }, []);
  return count;
}
