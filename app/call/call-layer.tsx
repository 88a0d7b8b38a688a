"use client";
// Everything call-related that floats above the pages: the ring (in and out),
// the call screen, the end-of-call sheet, and the client's notices as toasts.
//
// The four surfaces are code-split: a page's first load carries none of them
// (nor the dialog primitives they use), and they are fetched as soon as the
// browser is idle after the page loaded, long before a ring comes in the
// usual case; a ring that comes sooner waits for its chunk (one request to
// our own server).
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useErrorMessage } from "@/app/lib/error-message";
import { preloadWhenIdle } from "@/app/lib/preload-when-idle";
import { notify } from "@/app/ui/notify";
import { useCallClient, useCallSurfaces } from "./call-provider";
import { useRingAlerts } from "./use-ring-alerts";

const load = {
  screen: () => import("./call-screen"),
  incoming: () => import("./incoming-call-dialog"),
  outgoing: () => import("./outgoing-call-dialog"),
  ended: () => import("./call-ended-sheet"),
};
const CallScreen = dynamic(() => load.screen().then((m) => m.CallScreen), { ssr: false });
const IncomingCallDialog = dynamic(() => load.incoming().then((m) => m.IncomingCallDialog), { ssr: false });
const OutgoingCallDialog = dynamic(() => load.outgoing().then((m) => m.OutgoingCallDialog), { ssr: false });
const CallEndedSheet = dynamic(() => load.ended().then((m) => m.CallEndedSheet), { ssr: false });

/** Fetch the call surfaces once the page is idle (or after 2 s at the latest). */
function usePreloadCallSurfaces(): void {
  useEffect(() => preloadWhenIdle(() => Object.values(load).forEach((fn) => void fn().catch(() => undefined))), []);
}

export function CallLayer() {
  // The surfaces render as transitions: the switch from the ring to the call
  // screen happens in the background, interruptibly, so the peer
  // connection's callbacks and the set-up messages are not kept waiting
  // behind one long render while the call connects (bench B2).
  const calls = useCallSurfaces();
  const { notices, incoming, outgoing, active, ended } = calls;
  const client = useCallClient();
  const t = useTranslations("notice");
  const errorText = useErrorMessage();
  useRingAlerts(calls);
  usePreloadCallSurfaces();

  useEffect(() => {
    for (const n of notices) {
      if (n.kind === "error") notify.error(errorText({ code: n.code, message: n.message }));
      else if (n.tone === "error") notify.error(t(n.key, n.values));
      else notify.success(t(n.key, n.values));
      client.takeNotice(n.id);
    }
  }, [notices, client, t, errorText]);

  const ringing = incoming[0];
  return (
    <>
      {active && <CallScreen key={active.call.id} active={active} connected={calls.connected} peerAway={calls.peerAway} />}
      {!active && outgoing && <OutgoingCallDialog outgoing={outgoing} />}
      {!active && !outgoing && ringing && <IncomingCallDialog key={ringing.id} call={ringing} />}
      {!active && ended && <CallEndedSheet key={ended.call.id} ended={ended} connected={calls.connected} />}
    </>
  );
}
