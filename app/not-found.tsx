import { Compass } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClass } from "./ui/button";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notFound"))("metaTitle") };
}

/** Any unknown URL: say so in the product's voice, and offer the way home. */
export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center px-6 text-center">
      <span aria-hidden className="mb-6 inline-flex size-20 items-center justify-center rounded-full bg-brand-soft text-brand-text">
        <Compass size={40} />
      </span>
      <p className="text-sm font-semibold text-brand-text">404</p>
      <h1 className="mt-1 text-2xl font-bold tracking-tight">{t("title")}</h1>
      <p className="mt-2 text-muted">{t("body")}</p>
      <Link href="/" className={buttonClass("primary", "mt-8")}>
        {t("home")}
      </Link>
    </main>
  );
}
