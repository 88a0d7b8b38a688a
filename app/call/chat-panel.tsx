"use client";
// The call's chat: a round button in the controls (with the number of unread
// messages while the panel is closed) and the panel itself, a side panel on
// a desktop and a sheet over the lower part of a phone's screen. Messages are
// rendered as text; only http(s) URLs become links (chat-links.ts), opened in
// a new tab without access back to this one.
import { MessageSquare, Send, X } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import type { CallServices } from "./call-services";
import { CHAT_LIMITS, type ChatSnapshot } from "./chat-channel";
import { linkify } from "./chat-links";

const EMPTY: ChatSnapshot = { messages: [], unread: 0, open: false, ready: false };
const noop = () => () => undefined;
const empty = () => EMPTY;

export function useChat(services: CallServices | null): ChatSnapshot {
  return useSyncExternalStore(services?.chat.subscribe ?? noop, services?.chat.getSnapshot ?? empty, empty);
}

/** The id of the panel, for the button's aria-controls. */
export const CHAT_PANEL_ID = "call-chat-panel";

export function ChatButton({ services }: { services: CallServices | null }) {
  const t = useTranslations("chat");
  const chat = useChat(services);
  const label = chat.unread > 0 ? t("openUnread", { count: chat.unread }) : t("open");
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-expanded={chat.open}
      aria-controls={chat.open ? CHAT_PANEL_ID : undefined}
      disabled={!services}
      onClick={() => services?.chat.setOpen(!chat.open)}
      className={`relative inline-flex size-14 items-center justify-center rounded-full shadow-lg backdrop-blur focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-white disabled:cursor-not-allowed disabled:opacity-40 ${chat.open ? "bg-white text-slate-950 hover:bg-slate-200" : "bg-white/20 text-white hover:bg-white/30"}`}
    >
      <MessageSquare aria-hidden size={24} />
      {chat.unread > 0 && (
        <span aria-hidden className="absolute -right-1 -top-1 flex h-6 min-w-6 items-center justify-center rounded-full bg-red-600 px-1.5 text-xs font-bold text-white ring-2 ring-slate-950">
          {chat.unread > 99 ? "99+" : chat.unread}
        </span>
      )}
    </button>
  );
}

export function ChatPanel({ services, otherName }: { services: CallServices | null; otherName: string }) {
  const t = useTranslations("chat");
  const locale = useLocale();
  const chat = useChat(services);
  const [draft, setDraft] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const time = useMemo(() => new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" }), [locale]);

  useEffect(() => {
    if (chat.open) inputRef.current?.focus();
  }, [chat.open]);
  // The newest message in view.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [chat.messages.length, chat.open]);

  if (!services || !chat.open) return null;
  const close = () => services.chat.setOpen(false);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (services.chat.send(draft)) setDraft("");
  };

  return (
    <aside
      id={CHAT_PANEL_ID}
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          close();
        }
      }}
      className="absolute inset-x-0 bottom-0 top-1/3 z-30 flex flex-col rounded-t-3xl bg-slate-900/95 text-white shadow-2xl ring-1 ring-white/10 backdrop-blur sm:inset-y-0 sm:left-auto sm:right-0 sm:top-0 sm:w-96 sm:rounded-none sm:rounded-l-3xl"
    >
      <header className="flex items-center justify-between gap-3 border-b border-white/10 px-4 py-3">
        <h2 id={titleId} className="text-lg font-semibold">
          {t("title")}
        </h2>
        <button
          type="button"
          aria-label={t("close")}
          title={t("close")}
          onClick={close}
          className="inline-flex size-11 items-center justify-center rounded-full hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-white"
        >
          <X aria-hidden size={20} />
        </button>
      </header>
      <p className="px-4 pt-3 text-xs text-slate-300">{t("kept", { name: otherName })}</p>
      <div ref={listRef} role="log" aria-label={t("messages")} className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        <ol className="flex min-h-full flex-col gap-2">
          {chat.messages.length === 0 && <li className="m-auto text-sm text-slate-300">{t("empty")}</li>}
          {chat.messages.map((m) => (
            <li key={`${m.from}-${m.id}`} className={`flex max-w-[85%] flex-col ${m.from === "me" ? "items-end self-end" : "items-start self-start"}`}>
              <span className="mb-0.5 text-xs text-slate-300">
                {m.from === "me" ? t("you") : otherName} · <time dateTime={new Date(m.at).toISOString()}>{time.format(m.at)}</time>
              </span>
              <p
                data-chat-message={m.from}
                className={`whitespace-pre-wrap break-words rounded-2xl px-3 py-2 text-[15px] leading-snug ${m.from === "me" ? "rounded-br-md bg-sky-700 text-white" : "rounded-bl-md bg-white/15 text-white"}`}
              >
                {linkify(m.text).map((s, i) =>
                  "href" in s ? (
                    <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow" className="underline decoration-2 underline-offset-2 hover:text-sky-200">
                      {s.text}
                    </a>
                  ) : (
                    <span key={i}>{s.text}</span>
                  ),
                )}
              </p>
            </li>
          ))}
        </ol>
      </div>
      <form onSubmit={submit} className="flex items-end gap-2 border-t border-white/10 p-3">
        <label className="sr-only" htmlFor={`${titleId}-input`}>
          {t("input")}
        </label>
        <textarea
          ref={inputRef}
          id={`${titleId}-input`}
          rows={1}
          value={draft}
          maxLength={CHAT_LIMITS.text}
          placeholder={chat.ready ? t("placeholder") : t("notReady")}
          disabled={!chat.ready}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            // Enter sends, Shift+Enter starts a new line (and never while composing Chinese).
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          className="max-h-32 min-h-11 flex-1 resize-none rounded-2xl bg-white/10 px-3 py-2.5 text-[15px] text-white placeholder:text-slate-400 focus-visible:outline-2 focus-visible:outline-sky-300 disabled:opacity-60"
        />
        <button
          type="submit"
          aria-label={t("send")}
          title={t("send")}
          disabled={!chat.ready || !draft.trim()}
          className="inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-sky-600 text-white hover:bg-sky-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white disabled:opacity-40"
        >
          <Send aria-hidden size={20} />
        </button>
      </form>
    </aside>
  );
}
