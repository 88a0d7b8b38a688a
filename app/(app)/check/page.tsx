import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CheckView } from "./check-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("check"))("metaTitle") };
}

export default function CheckPage() {
  return <CheckView />;
}
