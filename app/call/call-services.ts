// The in-call services that hang off the active call's live session: the chat
// (one per call, kept across a new peer connection of the same call) and the
// connection's quality (one stats sampler per peer connection, its rating
// for the indicator, and the sender adaptation). CallClient starts them when
// a call's live session becomes the active one and stops them with it;
// components only subscribe (the call screen gets them in MediaSnapshot).
import { ChatChannel } from "./chat-channel";
import type { PeerSession } from "./peer-session";
import { ConnectionQuality, rateConnection } from "./quality";
import { QualityAdapter } from "./quality-adapter";
import { QualityRecorder } from "./quality-recorder";
import { StatsSampler } from "./stats-sampler";

export type CallServices = {
  callId: string;
  chat: ChatChannel;
  /** The live session's getStats() sampler: subscribe to it for numbers about the connection. */
  stats: StatsSampler;
  quality: ConnectionQuality;
  /** The call's quality record (one per call, like the chat: it follows a new peer connection of the same call). */
  recorder: QualityRecorder;
  stop: () => void;
};

/**
 * Starts the services for the active call's peer session. `previous`: the services
 * of the session it replaces (stopped here), whose chat goes on when it is
 * the same call.
 */
export function startCallServices(callId: string, session: PeerSession, previous: CallServices | null): CallServices {
  previous?.stop();
  const chat = previous?.callId === callId ? previous.chat : new ChatChannel(callId);
  if (previous && previous.chat !== chat) previous.chat.close();
  chat.attach(session.chat);
  const stats = new StatsSampler(session.pc);
  const quality = new ConnectionQuality(stats);
  const recorder = previous?.callId === callId ? previous.recorder : new QualityRecorder(callId);
  recorder.attach(session, stats);
  const adapter = new QualityAdapter(session.pc, (step) => quality.setReduced(step));
  // Only while connected: a sample during set-up or a reconnection says nothing about the link's bandwidth.
  const offAdapter = stats.subscribe((s) => {
    if (session.getState() === "connected") adapter.sample(rateConnection(s), s.availableOutgoingBitrate, s.bitrateOut);
  });
  stats.start();
  return {
    callId,
    chat,
    stats,
    quality,
    recorder,
    stop: () => {
      offAdapter();
      stats.stop();
      quality.stop();
    },
  };
}
