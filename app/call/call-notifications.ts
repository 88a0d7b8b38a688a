// System notifications for a call ringing in a hidden tab, shown by the
// service worker (public/sw.js) so they can carry Accept and Decline
// actions. The worker sends the person's choice back to the tabs as a
// message ({ type: "dialtone:call-action", action, callId }); each tab closes
// its own notification when the ring stops (answered here or elsewhere,
// cancelled, timed out), so it goes on every device.

export const CALL_ACTION_MESSAGE = "dialtone:call-action";
export type CallAction = { type: typeof CALL_ACTION_MESSAGE; action: "accept" | "decline" | "open"; callId: string };

const tag = (callId: string) => `dialtone-call-${callId}`;

/** The worker's registration, registering it on first use (null where unsupported). */
export async function callWorker(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return null;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    return await navigator.serviceWorker.ready;
  } catch {
    return null;
  }
}

/** Ask once, at a moment the person is dealing with calls (never on page load). */
export function askNotificationPermission(): void {
  if (typeof Notification === "undefined" || Notification.permission !== "default") return;
  void Notification.requestPermission().catch(() => undefined);
}

export async function showRingNotification(
  callId: string,
  text: { title: string; body: string; accept: string; decline: string },
): Promise<void> {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const reg = await callWorker();
  if (!reg) return;
  const options: NotificationOptions & { actions: { action: string; title: string }[]; requireInteraction: boolean; renotify: boolean } = {
    body: text.body,
    tag: tag(callId),
    icon: "/icon.svg",
    data: { callId },
    requireInteraction: true,
    renotify: true,
    actions: [
      { action: "accept", title: text.accept },
      { action: "decline", title: text.decline },
    ],
  };
  // A second try after a moment: showing one right after another call's
  // notification was closed failed now and then (seen in the e2e suite).
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await reg.showNotification(text.title, options);
      const shown = await reg.getNotifications({ tag: options.tag });
      if (shown.length > 0) return;
    } catch {
      // tried again below
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function closeRingNotification(callId: string): Promise<void> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration("/");
  for (const n of (await reg?.getNotifications({ tag: tag(callId) })) ?? []) n.close();
}

export function isCallAction(data: unknown): data is CallAction {
  const d = data as Partial<CallAction> | null;
  return Boolean(d && d.type === CALL_ACTION_MESSAGE && typeof d.callId === "string" && (d.action === "accept" || d.action === "decline" || d.action === "open"));
}
