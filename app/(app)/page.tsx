import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ContactsView } from "./contacts-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("contacts"))("metaTitle") };
}

export default function ContactsPage() {
  return <ContactsView />;
}
