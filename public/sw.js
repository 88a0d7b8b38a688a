// Dialtone's service worker: the Accept / Decline actions of an incoming
// call's notification (app/call/call-notifications.ts shows it). It caches
// nothing and never touches the network: a choice is handed to the open tabs,
// which hold the signaling connection. Accept focuses a tab (it answers
// there); Decline only tells the tabs, opening nothing.
const MESSAGE = "dialtone:call-action";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("notificationclick", (event) => {
  const callId = event.notification.data && event.notification.data.callId;
  const action = event.action === "accept" || event.action === "decline" ? event.action : "open";
  event.notification.close();
  if (typeof callId !== "string") return;
  const work = handOver(action, callId);
  try {
    event.waitUntil(work);
  } catch {
    // An event dispatched by a script (the e2e suite drives this path so) cannot extend the worker's life; the work still runs.
  }
});

async function handOver(action, callId) {
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (action === "decline") {
    // A decline from any tab declines for all: every tab hears it, none is opened.
    for (const tab of tabs) tab.postMessage({ type: MESSAGE, action, callId });
    return;
  }
  // Accept (or a click on the notification itself): one tab comes forward and answers there.
  const tab = tabs.find((t) => t.focused) || tabs[0];
  if (!tab) {
    await self.clients.openWindow("/");
    return;
  }
  // focus() needs the notification click's user activation; without it the tab still answers.
  await Promise.resolve()
    .then(() => tab.focus())
    .catch(() => undefined);
  tab.postMessage({ type: MESSAGE, action, callId });
}
