import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Dialtone",
  description: "Self-hosted video calling",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page renders per request: the CSP nonce (proxy.ts) must be on its scripts.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
