"use client";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { Me } from "@/app/call/call-client";
import { CallLayer } from "@/app/call/call-layer";
import { CallProvider } from "@/app/call/call-provider";
import { UiProviders } from "@/app/ui/providers";
import { ConnectionContext } from "./connection-context";
import { Header } from "./header";
import { useConnection } from "./use-connection";

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  return (
    // Tooltips and toasts only where they are used: the signed-out pages do without their code.
    <UiProviders>
      <CallProvider me={me}>
        <Frame>{children}</Frame>
      </CallProvider>
    </UiProviders>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const t = useTranslations("call");
  const connection = useConnection();
  return (
    <ConnectionContext value={connection}>
      <Header offline={connection.offline} />
      <main className="mx-auto w-full max-w-3xl px-3 py-6 sm:px-6 sm:py-8">{children}</main>
      {/* A labelled region: whatever the call layer floats over the page (rings,
          notices, the call screen) is inside a landmark, as screen readers expect. */}
      <div role="region" aria-label={t("callLayer")}>
        <CallLayer />
      </div>
    </ConnectionContext>
  );
}
