"use client";
import { useTranslations } from "next-intl";
import { DeleteAccount } from "./delete-account";
import { PasswordForm } from "./password-form";
import { SessionList } from "./session-list";
import { useAccount } from "./use-account";

/**
 * The account page: where the user is signed in (sign out any browser, or
 * all but this one), a new password, and deleting the account.
 */
export function AccountView() {
  const t = useTranslations("account");
  const { account, loadFailed, reload } = useAccount();
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
        {account && <p className="break-words text-sm text-muted">{t("signedInAs", { name: account.user.name, email: account.user.email })}</p>}
        {loadFailed && (
          <p role="alert" className="rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {t("loadError")}
          </p>
        )}
      </div>
      <SessionList sessions={account?.sessions ?? null} onChanged={reload} />
      <PasswordForm onChanged={reload} />
      <DeleteAccount />
    </div>
  );
}
