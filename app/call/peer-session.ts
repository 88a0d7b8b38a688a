// One RTCPeerConnection and everything it needs: perfect negotiation, trickle
// ICE with remote candidates queued until the remote description is set, ICE
// restart when the connection fails, and typed events. Knows nothing of React
// or of Socket.IO: signaling goes out through the `send` callbacks.

export type PeerState = "connecting" | "connected" | "reconnecting" | "failed" | "closed";
export type DescriptionMessage = { type: "offer" | "answer"; sdp: string };
export type CandidateMessage = {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
};

export type PeerSessionOptions = {
  /** The polite peer yields on offer collisions (the callee); the impolite one wins (the caller). */
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** This browser's long-lived DTLS certificate (identity-certificate.ts); none: a one-off one. */
  certificate?: RTCCertificate | null;
  /** Kinds of media this call carries ("audio" always, "video" for video calls). */
  kinds: ("audio" | "video")[];
  sendDescription: (d: DescriptionMessage) => void;
  sendCandidate: (c: CandidateMessage) => void;
  /** How long `disconnected` may last before an ICE restart. */
  disconnectedRestartMs?: number;
  /**
   * Fresh ICE servers for an ICE restart. A TURN credential is short-lived
   * (TURN_TTL_SECONDS): the one the call started with may have expired by the
   * time the network changes, and coturn refuses it for the new relays
   * (401). Asked before every restart; on failure or after
   * RENEW_TIMEOUT_MS the restart goes ahead with the servers it has.
   */
  renewIceServers?: () => Promise<RTCIceServer[]>;
};

/** The longest an ICE restart waits for renewed ICE servers. */
const RENEW_TIMEOUT_MS = 3_000;

type Events = {
  state: PeerState;
  "remote-stream": MediaStream;
  error: Error;
};

export class PeerSession {
  readonly pc: RTCPeerConnection;
  /**
   * The call's chat (chat-channel.ts): negotiated on both sides with a fixed
   * id, so it is in the very first offer (made while the call still rings)
   * with no in-band open handshake, and it lives on through ICE restarts.
   */
  readonly chat: RTCDataChannel;
  readonly remoteStream = new MediaStream();
  private state: PeerState = "connecting";
  private everConnected = false;
  /** ICE restarts on this connection, started here or by the other side (the quality record counts them). */
  iceRestarts = 0;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private queue: Promise<void> = Promise.resolve();
  private listeners = new Map<keyof Events, Set<(v: never) => void>>();
  private localStream: MediaStream | null = null;
  /** setLocalStream has run (with a stream, or null when there is no media). */
  private localSet = false;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private renewing = false;

  constructor(private readonly o: PeerSessionOptions) {
    this.pc = new RTCPeerConnection({
      iceServers: o.iceServers,
      iceTransportPolicy: o.iceTransportPolicy ?? "all",
      bundlePolicy: "max-bundle",
      ...(o.certificate ? { certificates: [o.certificate] } : {}),
    });
    this.chat = this.pc.createDataChannel("chat", { negotiated: true, id: 0 });
    // The first offer goes out directly from setLocalStream; later ones (ICE
    // restart, renegotiation) come from here. Chromium does not fire it while an
    // offer is pending, and the check keeps a late event from sending a second one.
    this.pc.onnegotiationneeded = () => {
      if (this.makingOffer || this.pc.signalingState !== "stable") return;
      // The chat channel alone never starts a negotiation: the caller's first
      // offer waits for its media (setLocalStream), the callee answers first.
      if (this.o.polite ? !this.pc.remoteDescription : !this.localSet) return;
      void this.negotiate();
    };
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate && candidate.candidate) {
        this.o.sendCandidate({
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid,
          sdpMLineIndex: candidate.sdpMLineIndex,
          usernameFragment: candidate.usernameFragment,
        });
      }
    };
    this.pc.ontrack = ({ track }) => {
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.emit("remote-stream", this.remoteStream);
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
    // Each time negotiation settles (parameters set while an offer is pending are refused; a new sender may have come).
    this.pc.addEventListener("signalingstatechange", () => {
      if (this.pc.signalingState === "stable") void this.preferAudio();
    });
  }

  on<K extends keyof Events>(event: K, fn: (v: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = fn as (v: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  getLocalStream(): MediaStream | null {
    return this.localStream;
  }

  getState(): PeerState {
    return this.state;
  }

  /**
   * Attach local media (or null when no device / permission). The impolite
   * side creates the transceivers and so makes the first offer; the polite
   * side answers using the transceivers the offer created.
   */
  async setLocalStream(stream: MediaStream | null): Promise<void> {
    if (this.closed) {
      // The call ended while the camera was starting.
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    this.localStream = stream;
    this.localSet = true;
    if (!this.o.polite) {
      for (const kind of this.o.kinds) {
        const track = stream?.getTracks().find((t) => t.kind === kind);
        this.pc.addTransceiver(track ?? kind, {
          direction: track ? "sendrecv" : "recvonly",
          streams: stream ? [stream] : [],
        });
      }
      // Offer at once, as a bare page would, instead of waiting for the
      // `negotiationneeded` task to get its turn on a main thread that is busy
      // rendering the call screen just then.
      if (this.pc.signalingState === "stable") void this.negotiate();
    } else {
      await this.attachLocalTracks();
    }
    void this.preferAudio();
  }

  /**
   * Voice first on a congested link: the audio sender's packets get the
   * browser's high priority (its share of the bandwidth, and DSCP where the
   * network honours it), so audio keeps arriving while video steps down.
   * Tried whenever it may newly succeed: the track attached, negotiation
   * settled, the connection up (a prepared callee's track comes after the
   * answer; parameters set while an offer is pending are refused).
   */
  private async preferAudio(): Promise<void> {
    for (const sender of this.pc.getSenders()) {
      if (sender.track?.kind !== "audio") continue;
      const params = sender.getParameters();
      const encodings = params.encodings as (RTCRtpEncodingParameters & { networkPriority?: string })[] | undefined;
      if (!encodings?.length || encodings.every((e) => e.priority === "high" && e.networkPriority === "high")) continue;
      for (const e of encodings) Object.assign(e, { priority: "high", networkPriority: "high" });
      await sender.setParameters(params).catch(() => undefined);
    }
  }

  /** A remote offer or answer from the signaling channel. */
  handleDescription(description: DescriptionMessage): Promise<void> {
    return this.enqueue(async () => {
      const offerCollision =
        description.type === "offer" &&
        (this.makingOffer || (this.pc.signalingState !== "stable" && !this.settingRemoteAnswer));
      this.ignoreOffer = !this.o.polite && offerCollision;
      if (this.ignoreOffer) return;
      // The other side restarts ICE (new credentials in its offer): this side
      // gathers anew for its answer, so it renews its ICE servers first too.
      const restart = description.type === "offer" && this.pc.remoteDescription !== null && iceUfrag(this.pc.remoteDescription.sdp) !== iceUfrag(description.sdp);
      if (restart) this.iceRestarts++;
      this.settingRemoteAnswer = description.type === "answer";
      await this.pc.setRemoteDescription(description);
      this.settingRemoteAnswer = false;
      if (description.type === "offer") {
        if (this.localSet) await this.attachLocalTracks();
        else {
          // Local media is still starting (the callee's camera opens when
          // Accept is pressed): answer now rather than after it, so ICE and
          // DTLS connect while it starts and the caller's picture comes that
          // much sooner. The call's kinds are offered as sending; the tracks
          // are attached with replaceTrack when they come, which needs no new
          // negotiation (a kind that then has no track is renegotiated).
          for (const tr of this.pc.getTransceivers()) {
            if (tr.direction !== "stopped" && this.o.kinds.includes(tr.receiver.track.kind as "audio" | "video")) tr.direction = "sendrecv";
          }
        }
        if (restart) await this.renewIceServers();
        if (this.closed) return;
        await this.pc.setLocalDescription();
        const local = this.pc.localDescription;
        if (local) this.o.sendDescription({ type: local.type as "answer", sdp: local.sdp });
      }
      const queued = this.pendingCandidates;
      this.pendingCandidates = [];
      for (const c of queued) await this.addCandidate(c);
    });
  }

  /** A remote ICE candidate; queued until a remote description exists. */
  handleCandidate(candidate: CandidateMessage): Promise<void> {
    return this.enqueue(async () => {
      if (!this.pc.remoteDescription) {
        this.pendingCandidates.push(candidate);
        return;
      }
      await this.addCandidate(candidate);
    });
  }

  /** Renegotiate with fresh ICE credentials (when the connection fails or stays disconnected), after renewing the ICE servers when it can. */
  restartIce(): void {
    if (this.closed || this.renewing) return;
    this.iceRestarts++;
    if (!this.o.renewIceServers) {
      this.pc.restartIce();
      return;
    }
    this.renewing = true;
    void this.renewIceServers()
      .catch((err: unknown) => this.emit("error", err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.renewing = false;
        if (!this.closed) this.pc.restartIce();
      });
  }

  /**
   * Fresh ICE servers from the signaling server, set on the connection: new
   * relays (a restart's new candidates, on either side) use them, while the
   * media keeps flowing on the current path until a new one is chosen. Gives
   * up after RENEW_TIMEOUT_MS (the restart then uses what it has).
   */
  private async renewIceServers(): Promise<void> {
    const renew = this.o.renewIceServers;
    if (!renew) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), RENEW_TIMEOUT_MS)));
    const iceServers = await Promise.race([renew().catch(() => null), timeout]);
    clearTimeout(timer);
    if (iceServers && !this.closed) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
  }

  /**
   * A second try at local media (the person allowed the camera after it was
   * refused): the new stream's tracks go onto the senders that have none, and
   * a kind that was only received starts being sent (perfect negotiation
   * carries the change). Tracks already sent stay as they are.
   */
  async addLocalTracks(stream: MediaStream): Promise<void> {
    if (this.closed) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    // Keep what is already being sent; take only the kinds that were missing.
    const old = this.localStream?.getTracks() ?? [];
    for (const t of stream.getTracks()) {
      if (old.some((o) => o.kind === t.kind)) {
        stream.removeTrack(t);
        t.stop();
      }
    }
    for (const t of old) stream.addTrack(t);
    this.localStream = stream;
    await this.enqueue(() => this.attachLocalTracks());
  }

  setTrackEnabled(kind: "audio" | "video", enabled: boolean): void {
    for (const t of this.localStream?.getTracks() ?? []) if (t.kind === kind) t.enabled = enabled;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    for (const t of this.localStream?.getTracks() ?? []) t.stop();
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.setState("closed");
  }

  private async attachLocalTracks(): Promise<void> {
    const stream = this.localStream;
    const replaced: Promise<void>[] = [];
    for (const tr of this.pc.getTransceivers()) {
      const kind = tr.receiver.track.kind;
      if (tr.sender.track || tr.direction === "stopped") continue;
      // A track already on another sender (the camera, when the other side adds a transceiver to share its screen) is not sent twice.
      const track = stream?.getTracks().find((t) => t.kind === kind && !this.pc.getSenders().some((s) => s.track === t));
      // Answered as sending before media was ready, and there is none of this
      // kind after all (camera refused): stop offering it (renegotiates).
      if (!track) {
        if (tr.direction === "sendrecv") tr.direction = "recvonly";
        continue;
      }
      // All at once: each replaceTrack is a round trip to WebRTC's own thread.
      replaced.push(tr.sender.replaceTrack(track));
      // Already sending (answered before media was ready): the track alone,
      // without a change that would need a new negotiation.
      if (tr.direction !== "sendrecv") {
        tr.sender.setStreams(stream!);
        tr.direction = "sendrecv";
      }
    }
    await Promise.all(replaced);
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && local.type === "offer") this.o.sendDescription({ type: "offer", sdp: local.sdp });
    } catch (err) {
      this.emit("error", err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.makingOffer = false;
    }
  }

  private async addCandidate(c: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(c);
    } catch (err) {
      if (!this.ignoreOffer) this.emit("error", err instanceof Error ? err : new Error(String(err)));
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await task();
      } catch (err) {
        this.emit("error", err instanceof Error ? err : new Error(String(err)));
      }
    });
    this.queue = run;
    return run;
  }

  /** The one place the session's state is derived from the connection's. */
  private onConnectionState(): void {
    const s = this.pc.connectionState;
    clearTimeout(this.disconnectedTimer);
    if (s === "connected") {
      this.everConnected = true;
      this.setState("connected");
      void this.preferAudio();
    } else if (s === "disconnected") {
      this.setState(this.everConnected ? "reconnecting" : "connecting");
      this.disconnectedTimer = setTimeout(() => this.restartIce(), this.o.disconnectedRestartMs ?? 3000);
    } else if (s === "failed") {
      this.setState("reconnecting");
      this.restartIce();
    } else if (s === "closed") {
      this.setState("closed");
    } else {
      this.setState(this.everConnected ? "reconnecting" : "connecting");
    }
  }

  private setState(next: PeerState): void {
    if (this.state === next) return;
    this.state = next;
    this.emit("state", next);
  }

  private emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: Events[K]) => void)(value);
  }
}

/** The first ice-ufrag of an SDP (all media share it with max-bundle); a new one means an ICE restart. */
function iceUfrag(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}
