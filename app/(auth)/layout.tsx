import { Video } from "lucide-react";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LanguageSelect } from "@/app/ui/language-select";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex justify-end px-3 pt-3">
        <LanguageSelect />
      </header>
      <main className="mx-auto flex w-full max-w-md flex-1 flex-col justify-center px-4 pb-12">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span aria-hidden className="inline-flex size-12 items-center justify-center rounded-2xl bg-brand text-on-brand shadow-sm">
            <Video size={26} />
          </span>
          <p className="text-2xl font-bold tracking-tight">{t("appName")}</p>
          <p className="text-sm text-muted">{t("tagline")}</p>
        </div>
        <div className="rounded-card bg-surface p-6 shadow-sm ring-1 ring-border sm:p-8">{children}</div>
      </main>
    </div>
  );
}
