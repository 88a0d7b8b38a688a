"use client";
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useCalls } from "@/app/call/call-provider";
import type { Presence } from "@/server/call/protocol";
import type { ContactList, ContactPerson } from "@/server/contacts/service";

const PRESENCE_TEXT: Record<Presence, string> = { online: "Online", "in-call": "In a call", offline: "Offline" };
const PRESENCE_DOT: Record<Presence, string> = { online: "bg-green-500", "in-call": "bg-amber-500", offline: "bg-slate-300" };
const btn =
  "rounded-lg px-3 py-1.5 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50";

export function ContactsView() {
  const { presence, contactsVersion, startCall, active, outgoing } = useCalls();
  const [list, setList] = useState<ContactList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const res = await fetch("/api/contacts", { cache: "no-store" });
      if (!res.ok) throw new Error();
      setList((await res.json()) as ContactList);
      setLoadError(null);
    } catch {
      setLoadError("Could not load your contacts. Retrying when something changes.");
    }
  }, []);

  useEffect(() => {
    // load() sets state only after its fetch resolves.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load, contactsVersion]);

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const email = String(new FormData(formEl).get("email") ?? "").trim();
    if (!email) {
      setStatus({ text: "Enter an email address.", error: true });
      return;
    }
    setBusy(true);
    try {
      const res = await fetch("/api/contacts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      const body = (await res.json()) as { ok: boolean; message?: string };
      if (!res.ok || !body.ok) setStatus({ text: body.message ?? "Could not add that contact.", error: true });
      else {
        setStatus({ text: `Request sent to ${email}.`, error: false });
        formEl.reset();
        await load();
      }
    } catch {
      setStatus({ text: "Could not reach the server.", error: true });
    } finally {
      setBusy(false);
    }
  }

  async function act(person: ContactPerson, action: "accept" | "decline" | "remove" | "block") {
    const res = await fetch(`/api/contacts/${encodeURIComponent(person.id)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action }),
    });
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) setStatus({ text: body.message ?? "That did not work.", error: true });
    else
      setStatus({
        text: { accept: `${person.name} is now a contact.`, decline: "Request declined.", remove: `${person.name} removed.`, block: `${person.name} blocked.` }[action],
        error: false,
      });
    await load();
  }

  async function unblock(person: ContactPerson) {
    await fetch(`/api/contacts/${encodeURIComponent(person.id)}`, { method: "DELETE" });
    setStatus({ text: `${person.name} unblocked.`, error: false });
    await load();
  }

  const inCallOrRinging = Boolean(active || (outgoing && !outgoing.outcome));

  return (
    <div className="space-y-8">
      <section aria-labelledby="contacts-heading">
        <h1 id="contacts-heading" className="mb-4 text-2xl font-bold">
          Contacts
        </h1>
        <form onSubmit={add} className="flex flex-col gap-2 sm:flex-row sm:items-end" noValidate>
          <div className="flex-1">
            <label htmlFor="contact-email" className="mb-1 block text-sm font-medium">
              Contact email
            </label>
            <input
              id="contact-email"
              name="email"
              type="email"
              autoComplete="off"
              maxLength={254}
              className="w-full rounded-lg border border-slate-300 px-3 py-2 focus:border-brand focus:outline-none focus:ring-2 focus:ring-brand/40"
            />
          </div>
          <button type="submit" disabled={busy} className={`${btn} bg-brand py-2 text-white hover:bg-brand-dark`}>
            Add contact
          </button>
        </form>
        <p role="status" className={`mt-2 min-h-5 text-sm ${status?.error ? "text-red-700" : "text-slate-700"}`}>
          {status?.text}
        </p>
        {loadError && (
          <p role="alert" className="text-sm text-red-700">
            {loadError}
          </p>
        )}
      </section>

      <PeopleSection id="requests" title="Requests" label="Contact requests" people={list?.incoming}>
        {(p) => (
          <>
            <span className="flex-1">
              <span className="font-medium">{p.name}</span> <span className="text-sm text-slate-500">{p.email}</span>
            </span>
            <button type="button" aria-label={`Accept request from ${p.name}`} onClick={() => void act(p, "accept")} className={`${btn} bg-green-600 text-white hover:bg-green-500`}>
              Accept
            </button>
            <button type="button" aria-label={`Decline request from ${p.name}`} onClick={() => void act(p, "decline")} className={`${btn} bg-slate-200 hover:bg-slate-300`}>
              Decline
            </button>
          </>
        )}
      </PeopleSection>

      <section aria-labelledby="your-contacts-heading">
        <h2 id="your-contacts-heading" className="mb-2 text-lg font-semibold">
          Your contacts
        </h2>
        {list && list.contacts.length === 0 && <p className="text-slate-600">No contacts yet. Add someone by their email above.</p>}
        <ul aria-label="Your contacts" className="divide-y rounded-xl bg-white ring-1 ring-slate-200 empty:hidden">
          {list?.contacts.map((p) => {
            const pres = presence[p.id] ?? "offline";
            return (
              <li key={p.id} className="flex flex-wrap items-center gap-2 p-3">
                <span className="flex w-full min-w-0 items-center gap-2 sm:w-auto sm:flex-1">
                  <span aria-hidden className={`h-2.5 w-2.5 shrink-0 rounded-full ${PRESENCE_DOT[pres]}`} />
                  <span className="truncate font-medium">{p.name}</span>
                  <span className="text-sm text-slate-500">{PRESENCE_TEXT[pres]}</span>
                </span>
                <button
                  type="button"
                  aria-label={`Video call ${p.name}`}
                  disabled={inCallOrRinging}
                  onClick={() => void startCall(p, "video")}
                  className={`${btn} bg-brand text-white hover:bg-brand-dark`}
                >
                  Video
                </button>
                <button
                  type="button"
                  aria-label={`Audio call ${p.name}`}
                  disabled={inCallOrRinging}
                  onClick={() => void startCall(p, "audio")}
                  className={`${btn} bg-brand-light text-brand-dark hover:bg-teal-200`}
                >
                  Audio
                </button>
                <button type="button" aria-label={`Remove ${p.name}`} onClick={() => void act(p, "remove")} className={`${btn} bg-slate-100 hover:bg-slate-200`}>
                  Remove
                </button>
                <button type="button" aria-label={`Block ${p.name}`} onClick={() => void act(p, "block")} className={`${btn} bg-slate-100 text-red-700 hover:bg-red-50`}>
                  Block
                </button>
              </li>
            );
          })}
        </ul>
      </section>

      <PeopleSection id="sent" title="Sent requests" label="Sent requests" people={list?.outgoing}>
        {(p) => (
          <>
            <span className="flex-1">
              {p.name} <span className="text-sm text-slate-500">waiting for an answer</span>
            </span>
            <button type="button" aria-label={`Withdraw request to ${p.name}`} onClick={() => void act(p, "remove")} className={`${btn} bg-slate-100 hover:bg-slate-200`}>
              Withdraw
            </button>
          </>
        )}
      </PeopleSection>

      <PeopleSection id="blocked" title="Blocked" label="Blocked people" people={list?.blocked}>
        {(p) => (
          <>
            <span className="flex-1">{p.name}</span>
            <button type="button" aria-label={`Unblock ${p.name}`} onClick={() => void unblock(p)} className={`${btn} bg-slate-100 hover:bg-slate-200`}>
              Unblock
            </button>
          </>
        )}
      </PeopleSection>
    </div>
  );
}

/** A titled list of people with per-person actions; nothing when the list is empty. */
function PeopleSection({
  id,
  title,
  label,
  people,
  children,
}: {
  id: string;
  title: string;
  label: string;
  people: ContactPerson[] | undefined;
  children: (p: ContactPerson) => ReactNode;
}) {
  if (!people || people.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-2 text-lg font-semibold">
        {title}
      </h2>
      <ul aria-label={label} className="divide-y rounded-xl bg-white ring-1 ring-slate-200">
        {people.map((p) => (
          <li key={p.id} className="flex flex-wrap items-center gap-2 p-3">
            {children(p)}
          </li>
        ))}
      </ul>
    </section>
  );
}
