// The in-call media tools of one live call: switching camera and microphone,
// turning the camera on in a voice call (and off again), sharing the screen,
// falling back when the device in use is unplugged, and telling which of the
// other side's tracks is their shared screen. Owned by the live call
// (live-call.ts), next to the PeerSession whose connection carries the
// tracks; the call screen only reads `view()` through the call client.
//
// - A device switch swaps the track on its sender in place
//   (RTCRtpSender.replaceTrack): no renegotiation, no new offer. The new
//   device opens before the old one closes, so the picture never stops.
// - The screen goes out on a transceiver of its own (added once, through the
//   ordinary perfect negotiation; later shares reuse it with replaceTrack),
//   so the camera keeps flowing on its own sender while the screen starts
//   and stops. The other side learns which transceiver it is from
//   `call:screen-share` (its `mid`, the same on both sides).
// - A voice call gets a camera the same way: a video transceiver is added
//   (or one only received on starts sending), renegotiated by perfect
//   negotiation; the other side is asked nothing.
import { chooseDevice, getPreferredMedia, type DeviceKind } from "./device-prefs";
import { addedDevices, deviceGone, listDevices, type DeviceInfo } from "./devices";
import type { PeerSession } from "./peer-session";

/** Something about devices the person should hear about (shown on the call screen). */
type NoticeBody = { type: "fallback"; kind: DeviceKind; label: string } | { type: "added"; kind: DeviceKind; label: string; deviceId: string };
export type DeviceNotice = NoticeBody & { id: number };

export type ToolsView = {
  /** This side shares its screen. */
  sharing: boolean;
  /** This side's camera was turned on in a call that started without one (voice → video). */
  cameraAdded: boolean;
  /** The other side's shared screen, while they share. */
  remoteScreen: MediaStream | null;
  deviceNotice: DeviceNotice | null;
};

type Send = { screenShare: (mid: string | null) => void };

export class MediaTools {
  private readonly listeners = new Set<() => void>();
  private screen: MediaStreamTrack | null = null;
  private screenTransceiver: RTCRtpTransceiver | null = null;
  /** The transceiver a camera turned on mid-call goes out on (kept for the next time). */
  private cameraTransceiver: RTCRtpTransceiver | null = null;
  private cameraAdded = false;
  /** The mid the other side shares its screen on, and every mid it ever did (never its camera). */
  private remoteScreenMid: string | null = null;
  private readonly remoteScreenMids = new Set<string>();
  private remoteScreen: MediaStream | null = null;
  private notice: DeviceNotice | null = null;
  private noticeSeq = 0;
  private known: DeviceInfo[] | null = null;
  private closed = false;
  private snapshot: ToolsView;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: PeerSession,
    private readonly send: Send,
  ) {
    this.snapshot = this.makeView();
    navigator.mediaDevices?.addEventListener?.("devicechange", this.onDeviceChange);
    void listDevices().then((d) => (this.known ??= d));
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  view(): ToolsView {
    return this.snapshot;
  }

  /** Where the browser can share a screen (desktop browsers). */
  static canShareScreen(): boolean {
    return typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getDisplayMedia === "function";
  }

  // ---- devices -------------------------------------------------------------

  /** Use another camera or microphone from now on (and remember it): swapped on its sender in place. */
  useDevice(kind: "videoinput" | "audioinput", device: { deviceId: string; label: string }): Promise<void> {
    return this.serial(async () => {
      chooseDevice(kind, { id: device.deviceId, label: device.label });
      const trackKind = kind === "videoinput" ? "video" : "audio";
      const old = this.localTrack(trackKind);
      // No track of this kind now (camera off in a voice call): it starts with this one next time.
      if (!old || old.getSettings().deviceId === device.deviceId) return;
      const constraints = { deviceId: { exact: device.deviceId } };
      const track = await openTrack(trackKind, constraints);
      // A camera takes a moment to give its first frame (seconds on a busy
      // machine): the old one keeps sending until the new one has a picture.
      await firstFrame(track);
      await this.swap(old, track);
    });
  }

  // ---- camera in a voice call ----------------------------------------------

  /**
   * Turn the camera on in a call that has none (a voice call) or off again.
   * On: the chosen camera opens and goes out on a video transceiver (a new
   * one, or one only received on so far); perfect negotiation carries the
   * change. Off: the camera closes and its sender sends nothing (the
   * transceiver stays for the next time). Resolves whether the camera is on.
   */
  setCamera(on: boolean): Promise<boolean> {
    return this.serial(async () => {
      const local = this.session.getLocalStream();
      const current = this.localTrack("video");
      if (!on) {
        if (current) {
          const sender = this.session.pc.getSenders().find((s) => s.track === current);
          await sender?.replaceTrack(null);
          local?.removeTrack(current);
          current.stop();
        }
        this.cameraAdded = false;
        this.changed();
        return false;
      }
      if (current) return true;
      let track: MediaStreamTrack;
      try {
        track = (await getPreferredMedia({ audio: false, video: true })).getVideoTracks()[0]!;
      } catch {
        return false;
      }
      if (this.closed || !local) {
        track.stop();
        return false;
      }
      const pc = this.session.pc;
      const reusable = (t: RTCRtpTransceiver) =>
        t.receiver.track.kind === "video" &&
        !t.sender.track &&
        t.direction !== "stopped" &&
        t !== this.screenTransceiver &&
        !(t.mid && this.remoteScreenMids.has(t.mid));
      const tr = this.cameraTransceiver && reusable(this.cameraTransceiver) ? this.cameraTransceiver : pc.getTransceivers().find(reusable);
      local.addTrack(track);
      if (tr) {
        await tr.sender.replaceTrack(track);
        tr.sender.setStreams(local);
        if (tr.direction === "recvonly") tr.direction = "sendrecv";
        else if (tr.direction === "inactive") tr.direction = "sendonly";
        this.cameraTransceiver = tr;
      } else {
        this.cameraTransceiver = pc.addTransceiver(track, { direction: "sendrecv", streams: [local] });
      }
      this.cameraAdded = true;
      this.watchTrack(track);
      this.changed();
      return true;
    });
  }

  // ---- screen share ----------------------------------------------------------

  /** Share a screen, window or tab (the browser asks which). Resolves false when the person cancelled it. */
  startScreenShare(): Promise<boolean> {
    return this.serial(async () => {
      if (this.screen) return true;
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch {
        return false;
      }
      const track = stream.getVideoTracks()[0];
      if (!track || this.closed) {
        stream.getTracks().forEach((t) => t.stop());
        return false;
      }
      // Text on screens stays sharp: the encoder drops frames rather than resolution.
      track.contentHint = "detail";
      // The browser's own "Stop sharing" bar ends the track.
      track.addEventListener("ended", () => void this.stopScreenShare());
      this.screen = track;
      const pc = this.session.pc;
      let tr = this.screenTransceiver;
      if (tr && tr.direction !== "stopped") {
        await tr.sender.replaceTrack(track);
      } else {
        tr = pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
        this.screenTransceiver = tr;
      }
      this.changed();
      // The mid is set once the offer carrying the new transceiver is made.
      const mid = await midOf(pc, tr);
      if (mid && this.screen === track) this.send.screenShare(mid);
      return true;
    });
  }

  /** Back to the camera: the screen track stops, its sender sends nothing. */
  stopScreenShare(): Promise<void> {
    return this.serial(async () => {
      const track = this.screen;
      if (!track) return;
      this.screen = null;
      await this.screenTransceiver?.sender.replaceTrack(null).catch(() => undefined);
      track.stop();
      this.send.screenShare(null);
      this.changed();
    });
  }

  /** The screen-share state to tell the other side again (it came back after a blip). */
  screenMid(): string | null {
    return this.screen ? (this.screenTransceiver?.mid ?? null) : null;
  }

  // ---- the other side --------------------------------------------------------

  /** The other side shares its screen on `mid`, or stopped (`call:screen-share`). */
  setRemoteScreen(mid: string | null): void {
    this.remoteScreenMid = mid;
    if (mid) this.remoteScreenMids.add(mid);
    this.changed();
  }

  /**
   * The other side's camera and microphone (its shared screen left out): the
   * remote tracks whose transceiver is not one they share a screen on. One
   * video track at most, so a video element shows the camera.
   */
  remoteCamera(all: MediaStream): MediaStream {
    const mids = this.midsByTrack();
    const video = all
      .getVideoTracks()
      .filter((t) => !this.remoteScreenMids.has(mids.get(t) ?? ""))
      .sort((a, b) => Number(mids.get(a) ?? 0) - Number(mids.get(b) ?? 0))[0];
    return new MediaStream([...all.getAudioTracks(), ...(video ? [video] : [])]);
  }

  // ---- life ------------------------------------------------------------------

  stop(): void {
    this.closed = true;
    navigator.mediaDevices?.removeEventListener?.("devicechange", this.onDeviceChange);
    this.screen?.stop();
    this.screen = null;
    this.listeners.clear();
  }

  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  // ---- inside ----------------------------------------------------------------

  /** The local (camera or microphone) track of `kind` the call sends. */
  private localTrack(kind: "audio" | "video"): MediaStreamTrack | undefined {
    return this.session.getLocalStream()?.getTracks().find((t) => t.kind === kind && t.readyState === "live");
  }

  /** Put `track` where `old` was: on the same sender (replaceTrack: no renegotiation) and in the local stream. */
  private async swap(old: MediaStreamTrack, track: MediaStreamTrack): Promise<void> {
    if (this.closed) {
      track.stop();
      return;
    }
    track.enabled = old.enabled;
    const sender = this.session.pc.getSenders().find((s) => s.track === old);
    await sender?.replaceTrack(track);
    const local = this.session.getLocalStream();
    local?.removeTrack(old);
    local?.addTrack(track);
    old.stop();
    this.watchTrack(track);
    this.changed();
  }

  /** A device that goes away ends its track: fall back to the default then. */
  private watchTrack(track: MediaStreamTrack): void {
    track.addEventListener("ended", () => void this.fallBack(track));
  }

  private readonly onDeviceChange = () => {
    void listDevices().then(async (devices) => {
      if (this.closed) return;
      const before = this.known ?? devices;
      this.known = devices;
      for (const kind of ["video", "audio"] as const) {
        const track = this.localTrack(kind);
        if (track && deviceGone(devices, kind === "video" ? "videoinput" : "audioinput", track.getSettings().deviceId)) await this.fallBack(track);
      }
      // A new headset or camera is offered (the newest one, once).
      const added = addedDevices(before, devices).filter((d) => d.kind !== "videoinput" || this.localTrack("video"));
      const offer = added[added.length - 1];
      if (offer) this.say({ type: "added", kind: offer.kind as DeviceKind, label: offer.label, deviceId: offer.deviceId });
    });
  };

  /** The device of track `old` went away: the default one takes its place, and the person is told. */
  private fallBack(old: MediaStreamTrack): Promise<void> {
    return this.serial(async () => {
      const kind = old.kind as "audio" | "video";
      // Already replaced (the track ended and the device list changed: one fallback, not two).
      if (this.closed || !this.session.getLocalStream()?.getTracks().includes(old)) return;
      let track: MediaStreamTrack;
      try {
        track = await openTrack(kind, true);
      } catch {
        return;
      }
      await this.swap(old, track);
      this.say({ type: "fallback", kind: kind === "video" ? "videoinput" : "audioinput", label: track.label });
    });
  }

  private say(n: NoticeBody): void {
    this.notice = { ...n, id: ++this.noticeSeq };
    this.changed();
  }

  private midsByTrack(): Map<MediaStreamTrack, string> {
    const m = new Map<MediaStreamTrack, string>();
    for (const t of this.session.pc.getTransceivers()) if (t.mid) m.set(t.receiver.track, t.mid);
    return m;
  }

  private makeView(): ToolsView {
    const mid = this.remoteScreenMid;
    const tr = mid ? this.session.pc.getTransceivers().find((t) => t.mid === mid) : undefined;
    const track = tr?.receiver.track;
    const same = this.snapshot?.remoteScreen?.getVideoTracks()[0] === track;
    return {
      sharing: this.screen !== null,
      cameraAdded: this.cameraAdded,
      remoteScreen: track ? (same ? this.snapshot.remoteScreen : new MediaStream([track])) : null,
      deviceNotice: this.notice,
    };
  }

  /** Recompute the view (also when the other side's tracks changed). */
  changed(): void {
    if (this.closed) return;
    this.snapshot = this.makeView();
    for (const fn of this.listeners) fn();
  }

  /** One change at a time: a second click waits for the first switch to finish. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.busy.then(task, task);
    this.busy = run.catch(() => undefined);
    return run;
  }
}

async function openTrack(kind: "audio" | "video", constraints: MediaTrackConstraints | true): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(kind === "video" ? { video: constraints } : { audio: constraints });
  return stream.getTracks()[0]!;
}

/** Resolves once a video track has a frame to show (at most `ms`); at once for audio. */
function firstFrame(track: MediaStreamTrack, ms = 3_000): Promise<void> {
  if (track.kind !== "video" || typeof document === "undefined") return Promise.resolve();
  return new Promise((resolve) => {
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    const done = () => {
      clearTimeout(timer);
      video.srcObject = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    video.addEventListener("loadeddata", done, { once: true });
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
  });
}

/** The transceiver's mid, once the negotiation that adds it has set the local offer (at most 10 s). */
function midOf(pc: RTCPeerConnection, tr: RTCRtpTransceiver): Promise<string | null> {
  if (tr.mid) return Promise.resolve(tr.mid);
  return new Promise((resolve) => {
    const done = () => {
      if (!tr.mid && pc.signalingState !== "closed") return;
      pc.removeEventListener("signalingstatechange", done);
      clearTimeout(timer);
      resolve(tr.mid);
    };
    const timer = setTimeout(() => {
      pc.removeEventListener("signalingstatechange", done);
      resolve(tr.mid);
    }, 10_000);
    pc.addEventListener("signalingstatechange", done);
  });
}
