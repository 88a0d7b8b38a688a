import type { Metadata } from "next";
import { Activity, ChevronRight } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PrivacySettings } from "./privacy-settings";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings"))("metaTitle") };
}

export default async function SettingsPage() {
  const t = await getTranslations("settings");
  const tp = await getTranslations("privacy");
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      <PrivacySettings />
      <Link
        href="/check"
        className="flex min-h-tap items-center gap-3 rounded-2xl bg-surface p-5 shadow-sm ring-1 ring-border hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus"
      >
        <Activity aria-hidden size={22} className="shrink-0 text-brand-text" />
        <span className="min-w-0 flex-1">
          <span className="block font-semibold">{tp("checkTitle")}</span>
          <span className="block text-sm text-muted">{tp("checkLink")}</span>
        </span>
        <ChevronRight aria-hidden size={20} className="text-muted" />
      </Link>
    </div>
  );
}
