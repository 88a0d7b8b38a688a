// Text chat in a call, straight between the two browsers over the peer
// connection's pre-negotiated "chat" RTCDataChannel (PeerSession.chat): no
// message passes through our server, and none is stored anywhere: they live
// in this object for as long as the call does. One ChatChannel per call; when
// the call's peer connection is replaced (the other side reloaded) the new
// connection's channel is attached and the conversation so far stays.
//
// The channel is attached only once the call is accepted (call-services.ts), so
// nothing can be sent while it rings; it cannot open before then anyway (no
// connectivity exists until Accept). Every message received is validated
// (shape, size) and kept as text: the panel renders it as React text nodes
// and turns http(s) URLs only into links (chat-links.ts).
import { z } from "zod";
import "@/server/protocol/zod-in-browser";

export const CHAT_LIMITS = {
  /** Characters in one message. */
  text: 2_000,
  /** Bytes of one data-channel message (the JSON around the text included); larger ones are dropped unread. */
  frame: 16_000,
  /** Messages kept per call (the oldest go first). */
  kept: 500,
} as const;

const wireMessage = z.strictObject({
  type: z.literal("chat"),
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  text: z.string().min(1).max(CHAT_LIMITS.text),
  sentAt: z.number().int().nonnegative(),
});
export type WireMessage = z.infer<typeof wireMessage>;

export type ChatMessage = {
  id: string;
  from: "me" | "them";
  text: string;
  /** When it was sent (ours) or received (theirs: the other clock may be wrong), ms since the epoch. */
  at: number;
};

export type ChatSnapshot = {
  messages: readonly ChatMessage[];
  /** Messages from the other side since the panel was last open. */
  unread: number;
  open: boolean;
  /** The channel is open: messages can be sent. */
  ready: boolean;
};

/** A received data-channel message, validated; null when it is not a chat message we accept. */
export function parseWire(data: unknown): WireMessage | null {
  if (typeof data !== "string" || data.length > CHAT_LIMITS.frame) return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = wireMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export class ChatChannel {
  private snap: ChatSnapshot = { messages: [], unread: 0, open: false, ready: false };
  private channel: RTCDataChannel | null = null;
  private detach: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  constructor(readonly callId: string) {}

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  readonly getSnapshot = (): ChatSnapshot => this.snap;

  /** Use this data channel from now on (the call's current peer connection's). */
  attach(channel: RTCDataChannel): void {
    this.detach?.();
    this.channel = channel;
    const onMessage = (e: MessageEvent) => this.receive(e.data);
    const onState = () => this.set({ ready: channel.readyState === "open" });
    channel.addEventListener("message", onMessage);
    channel.addEventListener("open", onState);
    channel.addEventListener("close", onState);
    this.detach = () => {
      channel.removeEventListener("message", onMessage);
      channel.removeEventListener("open", onState);
      channel.removeEventListener("close", onState);
    };
    onState();
  }

  /** Sends a message; false when the channel is not open (nothing is queued) or the text is empty. */
  send(raw: string): boolean {
    const text = raw.trim().slice(0, CHAT_LIMITS.text);
    const channel = this.channel;
    if (!text || !channel || channel.readyState !== "open") return false;
    const msg: WireMessage = { type: "chat", id: `${Date.now().toString(36)}-${(++this.seq).toString(36)}`, text, sentAt: Date.now() };
    try {
      channel.send(JSON.stringify(msg));
    } catch {
      return false;
    }
    this.add({ id: msg.id, from: "me", text, at: msg.sentAt }, false);
    return true;
  }

  setOpen(open: boolean): void {
    this.set(open ? { open, unread: 0 } : { open });
  }

  /** The call is over: let go of the channel (the messages go with this object). */
  close(): void {
    this.detach?.();
    this.detach = null;
    this.channel = null;
    this.set({ ready: false });
    this.listeners.clear();
  }

  private receive(data: unknown): void {
    const msg = parseWire(data);
    if (!msg) return;
    this.add({ id: msg.id, from: "them", text: msg.text, at: Date.now() }, true);
  }

  private add(m: ChatMessage, incoming: boolean): void {
    const messages = [...this.snap.messages, m].slice(-CHAT_LIMITS.kept);
    this.set({ messages, unread: incoming && !this.snap.open ? this.snap.unread + 1 : this.snap.unread });
  }

  private set(patch: Partial<ChatSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }
}
