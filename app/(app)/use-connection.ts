"use client";
// Whether calls can be placed now, from the signaling socket alone. Derived in
// one place so the banner, the presence labels and the call buttons never
// disagree. Not navigator.onLine: Chromium reports "offline" on hosts whose
// only interface is loopback while the server is right there; the socket
// itself notices a lost network (engine.io closes on the browser's `offline`
// event) and a dead server.
import { useEffect, useState } from "react";
import { useCalls } from "@/app/call/call-provider";

/** How long a page may take to open its socket before we call it offline (no banner flash on load). */
const FIRST_CONNECT_GRACE_MS = 2500;

export type Connection = {
  /** Calls can be placed: the signaling socket is up. */
  live: boolean;
  /** Say so on screen: the socket is down, and not just because the page is still opening it. */
  offline: boolean;
};

export function useConnection(): Connection {
  const { connected } = useCalls();
  const [wasConnected, setWasConnected] = useState(false);
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    if (connected) {
      // Remembered so a later drop shows the banner at once.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setWasConnected(true);
      return;
    }
    const timer = setTimeout(() => setGraceOver(true), FIRST_CONNECT_GRACE_MS);
    return () => clearTimeout(timer);
  }, [connected]);
  return { live: connected, offline: !connected && (wasConnected || graceOver) };
}
