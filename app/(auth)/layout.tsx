import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center p-4">
      <p className="mb-6 text-center text-2xl font-bold text-brand">Dialtone</p>
      <div className="rounded-2xl bg-white p-6 shadow ring-1 ring-slate-200">{children}</div>
    </main>
  );
}
