"use client";
// The sounds and signs of a ring outside the dialog itself: the callee's
// ringtone and the caller's ringback tone; for a hidden tab, a flashing title
// ("📞 Alice is calling") and a system notification with Accept / Decline
// (call-notifications.ts), closed as soon as the ring stops.
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useCallClient } from "./call-provider";
import { askNotificationPermission, callWorker, closeRingNotification, isCallAction, showRingNotification } from "./call-notifications";
import { startRingback, startRingtone } from "./ring-tones";
import type { CallSnapshot } from "./types";

const TITLE_FLASH_MS = 1000;

/** `calls`: the call layer's snapshot (read as a transition there). */
export function useRingAlerts(calls: Pick<CallSnapshot, "incoming" | "outgoing" | "active">): void {
  const t = useTranslations("call");
  const client = useCallClient();
  const { incoming, outgoing, active } = calls;
  const ringing = !active ? (incoming[0] ?? null) : null;
  const ringingId = ringing?.id ?? null;
  const callerName = ringing?.caller.name ?? "";
  const ringback = Boolean(outgoing && !outgoing.outcome && !active);
  const placing = Boolean(outgoing || active);

  useEffect(() => (ringingId ? startRingtone() : undefined), [ringingId]);
  useEffect(() => (ringback ? startRingback() : undefined), [ringback]);
  // Someone who places or takes a call will want to hear about the next one in a hidden tab.
  useEffect(() => {
    if (placing) askNotificationPermission();
  }, [placing]);

  // The title flashes while a call rings in a hidden tab.
  useEffect(() => {
    if (!ringingId) return;
    const original = document.title;
    const alert = t("titleRinging", { name: callerName });
    let on = false;
    const tick = () => {
      on = document.visibilityState === "hidden" ? !on : false;
      document.title = on ? alert : original;
    };
    const timer = setInterval(tick, TITLE_FLASH_MS);
    if (document.visibilityState === "hidden") tick();
    return () => {
      clearInterval(timer);
      document.title = original;
    };
  }, [ringingId, callerName, t]);

  // A notification while it rings and the tab is hidden (now or later); closed when the ring stops.
  // Strings, not the call object: the effect must not re-run during one ring (its cleanup
  // closes the notification asynchronously and could close the one shown again after it).
  const kindText = ringing ? t(ringing.kind === "video" ? "incomingVideoCall" : "incomingAudioCall") : "";
  const acceptText = t("accept");
  const declineText = t("decline");
  useEffect(() => {
    if (!ringingId) return;
    const show = () => {
      if (document.visibilityState !== "hidden") return;
      void showRingNotification(ringingId, { title: callerName, body: kindText, accept: acceptText, decline: declineText });
    };
    show();
    document.addEventListener("visibilitychange", show);
    return () => {
      document.removeEventListener("visibilitychange", show);
      void closeRingNotification(ringingId);
    };
  }, [ringingId, callerName, kindText, acceptText, declineText]);

  // The notification's buttons, handed over by the service worker.
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    void callWorker();
    const onMessage = (e: MessageEvent) => {
      if (!isCallAction(e.data)) return;
      const { action, callId } = e.data;
      if (!client.getSnapshot().incoming.some((c) => c.id === callId)) return;
      if (action === "accept") void client.accept(callId);
      else if (action === "decline") void client.decline(callId);
    };
    navigator.serviceWorker.addEventListener("message", onMessage);
    return () => navigator.serviceWorker.removeEventListener("message", onMessage);
  }, [client]);
}
