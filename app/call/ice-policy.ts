// Which ICE candidates this browser may use: relay only when the signed-in
// user hides their IP address (server/privacy.ts), otherwise all. Read by
// every peer connection the call client makes, the prepared ones included.
let relayOnly = false;

export function setRelayOnly(on: boolean): void {
  relayOnly = on;
}

export function iceTransportPolicy(): RTCIceTransportPolicy {
  // Tests may force relay for one page (tests/e2e/turn.spec.ts).
  const forced = typeof window === "undefined" ? undefined : (window as { __dialtoneIcePolicy?: RTCIceTransportPolicy }).__dialtoneIcePolicy;
  return forced ?? (relayOnly ? "relay" : "all");
}
