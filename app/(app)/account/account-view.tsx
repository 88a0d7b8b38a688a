"use client";
import { useTranslations } from "next-intl";
import { DeleteAccount } from "./delete-account";
import { EmailForm } from "./email-form";
import { NameForm } from "./name-form";
import { PasswordForm } from "./password-form";
import { SessionList } from "./session-list";
import { useAccount } from "./use-account";

/**
 * The account page: the name contacts see, the email and password to sign in
 * with, where the user is signed in (sign out any browser, or all but this
 * one), and deleting the account.
 */
export function AccountView() {
  const t = useTranslations("account");
  const { account, loadFailed, reload } = useAccount();
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
        {loadFailed && (
          <p role="alert" className="rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {t("loadError")}
          </p>
        )}
      </div>
      {/* Remounted once the account has loaded, so the name field starts from it. */}
      <NameForm key={account ? "loaded" : "loading"} name={account?.user.name ?? null} onChanged={reload} />
      <EmailForm email={account?.user.email ?? null} onChanged={reload} />
      <PasswordForm onChanged={reload} />
      <SessionList sessions={account?.sessions ?? null} onChanged={reload} />
      <DeleteAccount />
    </div>
  );
}
