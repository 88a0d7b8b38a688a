// The key of a contact pair, the same whichever of the two asks. Who may ring
// whom is decided in one place, the signaling's contact directory
// (server/contacts/directory.ts: accepted contacts, and neither blocked the
// other), which the call service asks on every invite; the HTTP contact routes
// read and change the same Contact and Block rows (server/contacts/service.ts).
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
