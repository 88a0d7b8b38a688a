"use client";
// The contact list and the actions on it, with feedback as toasts. Reloaded
// whenever the server says contacts changed (contactsVersion).
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import { useCalls } from "@/app/call/call-provider";
import { useErrorMessage, type ServerError } from "@/app/lib/error-message";
import { notify } from "@/app/ui/notify";
import type { ContactList, ContactPerson } from "@/server/contacts/service";

export type ContactAction = "accept" | "decline" | "remove" | "block" | "withdraw" | "unblock";

async function send(person: ContactPerson, action: ContactAction): Promise<ServerError | undefined> {
  const url = `/api/contacts/${encodeURIComponent(person.id)}`;
  // Withdrawing a sent request is the API's "remove"; unblocking is its DELETE.
  const res =
    action === "unblock"
      ? await fetch(url, { method: "DELETE" })
      : await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ action: action === "withdraw" ? "remove" : action }),
        });
  if (res.ok) return undefined;
  return ((await res.json().catch(() => ({}))) as ServerError) ?? {};
}

export function useContactList() {
  const t = useTranslations("contacts");
  const errorText = useErrorMessage();
  const { contactsVersion } = useCalls();
  const [list, setList] = useState<ContactList | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);

  const load = useCallback(async () => {
    try {
      const res = await fetch("/api/contacts", { cache: "no-store" });
      if (!res.ok) throw new Error(`GET /api/contacts ${res.status}`);
      setList((await res.json()) as ContactList);
      setLoadFailed(false);
    } catch {
      setLoadFailed(true);
    }
  }, []);

  useEffect(() => {
    // load() sets state only after its fetch resolves.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load, contactsVersion]);

  const act = useCallback(
    async (person: ContactPerson, action: ContactAction) => {
      const name = person.name;
      try {
        const error = await send(person, action);
        if (error) notify.error(errorText(error));
        else
          notify.success(
            {
              accept: t("accepted", { name }),
              decline: t("declined"),
              remove: t("removed", { name }),
              block: t("blocked", { name }),
              withdraw: t("withdrawn", { name }),
              unblock: t("unblocked", { name }),
            }[action],
          );
      } catch {
        notify.error(errorText(null));
      }
      await load();
    },
    [errorText, load, t],
  );

  return { list, loadFailed, reload: load, act };
}
