"use client";
// The ring: a modal alert dialog over a dimmed, inert page. Nothing typed can
// answer it: focus goes to the dialog itself, not to Accept; printable keys
// that land on it while the person was typing in a field are put into that
// field (they lose nothing); and a button activated by the keyboard within
// ANSWER_GUARD_MS of the ring appearing does nothing. Enter / Space on a
// focused button answers as usual after that; Escape declines.
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { LoaderCircle, Mic, Phone, PhoneOff, Video } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import type { CallInfo } from "@/server/protocol/events";
import { Avatar } from "@/app/ui/avatar";
import { useCallClient } from "./call-provider";

/** A keyboard activation this soon after the ring appears is taken as typing that was meant for the page. */
const ANSWER_GUARD_MS = 1_000;

export function IncomingCallDialog({ call }: { call: CallInfo }) {
  const t = useTranslations("call");
  // Actions only: the state comes as props from the call layer (use-store-in-transition.ts).
  const client = useCallClient();
  /** Accept was pressed (with or without video): the dialog says so until the call screen takes over. */
  const [answering, setAnswering] = useState<"video" | "audio" | null>(null);
  const accept = (callId: string, o?: { audioOnly?: boolean }) => {
    setAnswering(o?.audioOnly ? "audio" : "video");
    return client.accept(callId, o).finally(() => setAnswering(null));
  };
  const decline = (callId: string) => client.decline(callId);
  const shownAt = useRef(0);
  /** The text field the person was typing in when the ring came (keys meant for it go back to it). */
  const typingIn = useRef<{ field: HTMLInputElement | HTMLTextAreaElement; before: string; typed: string } | null>(null);
  const titleId = `incoming-${call.id}-title`;
  const isVideo = call.kind === "video";

  const guarded = (fn: () => void) => (e: MouseEvent<HTMLButtonElement>) => {
    // detail 0: a click made by Enter or Space, not by a pointer.
    if (e.detail === 0 && performance.now() - shownAt.current < ANSWER_GUARD_MS) return;
    fn();
  };

  const forwardTyping = (e: KeyboardEvent<HTMLDivElement>) => {
    const typing = typingIn.current;
    if (!typing || e.target !== e.currentTarget || e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    // The whole text is set each time: an email field drops a trailing space set on its own.
    typing.typed += e.key;
    setFieldValue(typing.field, typing.before + typing.typed);
  };

  return (
    <AlertDialog.Root open>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/60 backdrop-blur-sm" />
        <AlertDialog.Content
          aria-labelledby={titleId}
          aria-describedby={`${titleId}-desc`}
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            shownAt.current = performance.now();
            const active = document.activeElement;
            if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) typingIn.current = { field: active, before: active.value, typed: "" };
            (e.currentTarget as HTMLElement | null)?.focus();
          }}
          onEscapeKeyDown={(e) => {
            e.preventDefault();
            void decline(call.id);
          }}
          onKeyDown={forwardTyping}
          tabIndex={-1}
          className="fixed inset-x-3 top-1/2 z-50 mx-auto max-w-sm -translate-y-1/2 rounded-card bg-surface p-6 text-center text-fg shadow-2xl outline-none ring-1 ring-border focus-visible:ring-2 focus-visible:ring-focus"
        >
          {/* A ripple behind the avatar says "ringing"; the avatar itself stays at full contrast. */}
          <div className="relative mx-auto mb-4 w-fit">
            <span aria-hidden className="absolute inset-0 animate-ping rounded-full bg-brand/30 motion-reduce:animate-none" />
            <span className="relative block rounded-full ring-4 ring-surface">
              <Avatar id={call.caller.id} name={call.caller.name} size="xl" />
            </span>
          </div>
          <AlertDialog.Title id={titleId} className="text-xl font-semibold">
            {call.caller.name}
          </AlertDialog.Title>
          <AlertDialog.Description id={`${titleId}-desc`} className="mt-1 flex items-center justify-center gap-1.5 text-muted">
            {isVideo ? <Video aria-hidden size={16} /> : <Phone aria-hidden size={16} />}
            {t(isVideo ? "incomingVideoCall" : "incomingAudioCall")}
          </AlertDialog.Description>
          <div className="mt-6 grid grid-cols-2 gap-3">
            <button
              type="button"
              onClick={guarded(() => void decline(call.id))}
              disabled={answering !== null}
              className="inline-flex min-h-12 items-center justify-center gap-2 rounded-full bg-danger px-4 font-semibold text-white hover:bg-danger-hover disabled:opacity-40 disabled:hover:bg-danger focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus"
            >
              <PhoneOff aria-hidden size={18} />
              {t("decline")}
            </button>
            <button
              type="button"
              onClick={guarded(() => void accept(call.id))}
              aria-disabled={answering !== null}
              aria-busy={answering === "video"}
              className={`inline-flex min-h-12 items-center justify-center gap-2 rounded-full bg-success px-4 font-semibold text-white hover:bg-success-hover ${answering === "audio" ? "opacity-40" : ""} focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus`}
            >
              {answering === "video" ? (
                <LoaderCircle aria-hidden size={18} className="shrink-0 motion-safe:animate-spin" />
              ) : isVideo ? (
                <Video aria-hidden size={18} />
              ) : (
                <Phone aria-hidden size={18} />
              )}
              {answering === "video" ? t("connecting") : t("accept")}
            </button>
          </div>
          {isVideo && (
            <button
              type="button"
              onClick={guarded(() => void accept(call.id, { audioOnly: true }))}
              aria-disabled={answering !== null}
              aria-busy={answering === "audio"}
              className={`mt-3 inline-flex min-h-tap w-full items-center justify-center gap-2 rounded-full px-4 text-sm font-semibold text-brand-text ring-1 ring-inset ring-border hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus ${answering === "video" ? "opacity-40" : ""}`}
            >
              {answering === "audio" ? <LoaderCircle aria-hidden size={16} className="shrink-0 motion-safe:animate-spin" /> : <Mic aria-hidden size={16} />}
              {answering === "audio" ? t("connecting") : t("acceptAudioOnly")}
            </button>
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/** Sets a field's text as typing would (React's onChange sees it too). */
function setFieldValue(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const proto = field instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  const setValue = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  setValue?.call(field, field.maxLength > 0 ? text.slice(0, field.maxLength) : text);
  field.dispatchEvent(new Event("input", { bubbles: true }));
}
