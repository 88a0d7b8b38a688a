import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { HistoryView } from "./history-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("history"))("metaTitle") };
}

export default function HistoryPage() {
  return <HistoryView />;
}
