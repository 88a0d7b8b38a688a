"use client";
// Makes this tab's CallClient (call-client.ts) and hands it to the pages
// below; `useCalls()` reads its snapshot. The client lives outside React:
// this file only starts it with the page and stops it with the page.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { CallClient, type Me } from "./call-client";
import type { CallSnapshot, MediaSnapshot } from "./types";
import { useStoreInTransition } from "./use-store-in-transition";

export type { ActiveCall, Outgoing, SignalMessage } from "./types";

const Ctx = createContext<CallClient | null>(null);

export function CallProvider({ me, children }: { me: Me; children: ReactNode }) {
  // One client per signed-in user and page; a new user (sign-in as someone else) gets a new one.
  const [client, setClient] = useState(() => new CallClient(me));
  if (client.me.id !== me.id) setClient(new CallClient(me));
  // Strict mode runs this twice in development: stop, then start again, leaves one socket.
  useEffect(() => client.start(), [client]);
  return <Ctx.Provider value={client}>{children}</Ctx.Provider>;
}

/** This tab's call client (for actions). */
export function useCallClient(): CallClient {
  const client = useContext(Ctx);
  if (!client) throw new Error("useCallClient must be used inside <CallProvider>");
  return client;
}

export type CallsView = CallSnapshot & {
  me: Me;
  startCall: CallClient["startCall"];
  cancelOutgoing: () => Promise<void>;
  closeOutgoing: () => void;
  accept: CallClient["accept"];
  decline: (callId: string) => Promise<void>;
  hangUp: () => Promise<void>;
};

/** The active call's media (only the call screen needs it; see MediaSnapshot), as a transition (use-store-in-transition.ts). */
export function useCallMedia(): MediaSnapshot {
  const client = useCallClient();
  return useStoreInTransition(client.subscribeMedia, client.getMediaSnapshot);
}

/** The call state for the call surfaces, as a transition (use-store-in-transition.ts). */
export function useCallSurfaces(): CallSnapshot {
  const client = useCallClient();
  return useStoreInTransition(client.subscribe, client.getSnapshot);
}

/**
 * The call state (re-renders on every change) with the client's actions bound.
 * Read as a transition too: the pages under the call surfaces (header,
 * contacts, history) re-render on the same changes that start a call, and a
 * blocking render there held the callee's main thread for ~50 ms after Accept
 * (bench B2 trace), delaying its getUserMedia and connection events.
 */
export function useCalls(): CallsView {
  const client = useCallClient();
  const snap = useStoreInTransition(client.subscribe, client.getSnapshot);
  return {
    ...snap,
    me: client.me,
    startCall: (callee, kind) => client.startCall(callee, kind),
    cancelOutgoing: () => client.cancelOutgoing(),
    closeOutgoing: () => client.closeOutgoing(),
    accept: (callId, o) => client.accept(callId, o),
    decline: (callId) => client.decline(callId),
    hangUp: () => client.hangUp(),
  };
}
