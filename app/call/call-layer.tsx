"use client";
// Everything call-related that floats above the pages: the ring (in and out),
// the call screen, the end-of-call sheet, and the client's notices as toasts.
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useErrorMessage } from "@/app/lib/error-message";
import { notify } from "@/app/ui/notify";
import { CallEndedSheet } from "./call-ended-sheet";
import { useCallClient, useCalls } from "./call-provider";
import { CallScreen } from "./call-screen";
import { IncomingCallDialog } from "./incoming-call-dialog";
import { OutgoingCallDialog } from "./outgoing-call-dialog";
import { useRingAlerts } from "./use-ring-alerts";

export function CallLayer() {
  const { incoming, outgoing, active, ended, notices } = useCalls();
  const client = useCallClient();
  const t = useTranslations("notice");
  const errorText = useErrorMessage();
  useRingAlerts();

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
      {active && <CallScreen key={active.call.id} active={active} />}
      {!active && outgoing && <OutgoingCallDialog />}
      {!active && !outgoing && ringing && <IncomingCallDialog key={ringing.id} call={ringing} />}
      {!active && ended && <CallEndedSheet key={ended.call.id} ended={ended} />}
    </>
  );
}
