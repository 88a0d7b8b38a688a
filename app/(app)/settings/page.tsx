import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PrivacySettings } from "./privacy-settings";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings"))("metaTitle") };
}

export default async function SettingsPage() {
  const t = await getTranslations("settings");
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      <PrivacySettings />
    </div>
  );
}
