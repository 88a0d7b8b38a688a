// The one place the call screen's connection status is derived: "Connected"
// only while both the signaling socket and the peer connection are up.
import type { CallSnapshot, MediaSnapshot } from "./types";

export type CallStatus = "connecting" | "connected" | "reconnecting" | "offline" | "peerAway" | "failed";

export function callStatus(s: Pick<CallSnapshot, "connected" | "peerAway"> & Pick<MediaSnapshot, "peerState">): CallStatus {
  if (!s.connected) return "offline";
  if (s.peerAway) return "peerAway";
  switch (s.peerState) {
    case "connected":
      return "connected";
    case "reconnecting":
      return "reconnecting";
    case "failed":
      return "failed";
    default:
      return "connecting";
  }
}
