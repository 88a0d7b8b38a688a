import type { IceServer } from "./call/protocol";

/** ICE servers handed to the two participants when a call starts. */
export function iceServersFromEnv(stunUrls: string[]): () => IceServer[] {
  const servers: IceServer[] = stunUrls.length > 0 ? [{ urls: stunUrls }] : [];
  return () => servers;
}
