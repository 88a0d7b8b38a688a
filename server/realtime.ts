// The signaling namespace shared with Next's route handlers (which load this
// module separately from the custom server): a typed globalThis slot.
import type { SignalingNamespace } from "./calls/service";
import { userRoom } from "./calls/service";

const slot = globalThis as typeof globalThis & { __dialtoneNsp?: SignalingNamespace };

export function setSignalingNamespace(nsp: SignalingNamespace | undefined): void {
  slot.__dialtoneNsp = nsp;
}

/** Tell these users' open tabs that their contacts changed (they refetch). */
export function notifyContactsChanged(userIds: string[]): void {
  slot.__dialtoneNsp?.to(userIds.map(userRoom)).emit("contacts:changed");
}
