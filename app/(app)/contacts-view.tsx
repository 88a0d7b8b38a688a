"use client";
import { useTranslations } from "next-intl";
import { useCalls } from "@/app/call/call-provider";
import { DeviceCheckButton } from "@/app/call/device-check-button";
import { Avatar } from "@/app/ui/avatar";
import { Button } from "@/app/ui/button";
import { useConnectionState } from "./connection-context";
import { AddContactForm } from "./contacts/add-contact-form";
import { ContactRow } from "./contacts/contact-row";
import { EmptyContacts } from "./contacts/empty-contacts";
import { PersonList } from "./contacts/person-list";
import { useContactList } from "./contacts/use-contact-list";

export function ContactsView() {
  const t = useTranslations("contacts");
  const tOffline = useTranslations("offline");
  const { presence, startCall, active, outgoing } = useCalls();
  const { live } = useConnectionState();
  const { list, loadFailed, reload, act } = useContactList();

  const inCallOrRinging = Boolean(active || (outgoing && !outgoing.outcome));
  // Offline first: it is the reason that needs the reader to do something.
  const callBlockedBecause = !live ? tOffline("callsPaused") : inCallOrRinging ? tOffline("inCall") : null;

  return (
    <div className="space-y-8">
      <div className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
          <DeviceCheckButton />
        </div>
        {loadFailed && (
          <p role="alert" className="rounded-control bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {t("loadError")}
          </p>
        )}
      </div>

      <PersonList id="requests" title={t("requestsTitle")} label={t("requestsLabel")} people={list?.incoming}>
        {(p) => (
          <>
            <Avatar id={p.id} name={p.name} />
            <span className="flex min-w-0 flex-1 flex-col">
              <span className="truncate font-semibold">{p.name}</span>
              <span className="truncate text-sm text-muted">{t("wantsToAdd")}</span>
            </span>
            <span className="flex shrink-0 gap-2">
              <Button variant="success" aria-label={t("acceptRequest", { name: p.name })} onClick={() => void act(p, "accept")}>
                {t("accept")}
              </Button>
              <Button variant="secondary" aria-label={t("declineRequest", { name: p.name })} onClick={() => void act(p, "decline")}>
                {t("decline")}
              </Button>
            </span>
          </>
        )}
      </PersonList>

      <section aria-labelledby="your-contacts-heading">
        <h2 id="your-contacts-heading" className="mb-2 text-base font-semibold">
          {t("yourContacts")}
        </h2>
        {list && list.contacts.length === 0 ? (
          <EmptyContacts />
        ) : (
          <ul aria-label={t("yourContacts")} className="divide-y divide-border overflow-hidden rounded-card bg-surface ring-1 ring-border empty:hidden">
            {list?.contacts.map((p) => (
              <li key={p.id} className="flex items-center gap-3 px-3 py-2.5 sm:px-4">
                <ContactRow
                  person={p}
                  presence={live ? (presence[p.id] ?? "offline") : "unknown"}
                  callBlockedBecause={callBlockedBecause}
                  onCall={(kind) => void startCall(p, kind)}
                  onRemove={() => void act(p, "remove")}
                  onBlock={() => void act(p, "block")}
                />
              </li>
            ))}
          </ul>
        )}
      </section>

      {/* After the list: calling is what this page is for; adding comes next. */}
      <AddContactForm onAdded={reload} />

      <PersonList id="sent" title={t("sentTitle")} label={t("sentTitle")} people={list?.outgoing}>
        {(p) => (
          <>
            <Avatar id={p.id} name={p.name} />
            <span className="flex min-w-0 flex-1 flex-col">
              <span className="truncate font-semibold">{p.name}</span>
              <span className="truncate text-sm text-muted">{t("waiting")}</span>
            </span>
            <Button variant="secondary" aria-label={t("withdrawRequest", { name: p.name })} onClick={() => void act(p, "withdraw")}>
              {t("withdraw")}
            </Button>
          </>
        )}
      </PersonList>

      <PersonList id="blocked" title={t("blockedTitle")} label={t("blockedLabel")} people={list?.blocked}>
        {(p) => (
          <>
            <Avatar id={p.id} name={p.name} />
            <span className="min-w-0 flex-1 truncate font-semibold">{p.name}</span>
            <Button variant="secondary" aria-label={t("unblockName", { name: p.name })} onClick={() => void act(p, "unblock")}>
              {t("unblock")}
            </Button>
          </>
        )}
      </PersonList>
    </div>
  );
}
