// Local camera/microphone for a call. getUserMedia takes a good part of call
// set-up time, so it starts early: the caller's when they place the call (it
// also shows their own preview while it rings), the callee's at the moment
// they press Accept, in parallel with the accept request. The call's peer
// session then takes the stream that is already on its way.
import { getPreferredMedia } from "./device-prefs";

/**
 * Why this side sends less than the call asked for (a message id of the
 * "media" namespace; null when all is well): the camera was refused, none
 * was found, and so on.
 */
export type MediaProblem = "unsupported" | "cameraDenied" | "noCamera" | "allDenied" | "noDevices" | null;
export type LocalMedia = { stream: MediaStream | null; problem: MediaProblem };

let pending: { kind: "video" | "audio"; media: Promise<LocalMedia>; at: number } | null = null;
/**
 * The media of the call being placed, for the caller's own preview while it
 * rings. It stays readable after the call's peer session has taken it (the
 * session is prepared while the call rings, live-call.ts): the session owns
 * the tracks then and stops them when the call ends.
 */
let preview: Promise<LocalMedia> | null = null;

/** Start getting local media for a call about to start. */
export function prefetchLocalMedia(kind: "video" | "audio"): Promise<LocalMedia> {
  releasePrefetchedMedia();
  pending = { kind, media: getLocalMedia(kind), at: Date.now() };
  preview = pending.media;
  return pending.media;
}

/** The prefetched media if it fits this call, otherwise a fresh request. */
export function takeLocalMedia(kind: "video" | "audio"): Promise<LocalMedia> {
  const p = pending;
  pending = null;
  if (p && p.kind === kind && Date.now() - p.at < 120_000) return p.media;
  if (p) void p.media.then(({ stream }) => stream?.getTracks().forEach((t) => t.stop()));
  return getLocalMedia(kind);
}

/** The call did not start after all: turn the camera and microphone off. */
export function releasePrefetchedMedia(): void {
  const p = pending;
  pending = null;
  preview = null;
  if (p) void p.media.then(({ stream }) => stream?.getTracks().forEach((t) => t.stop()));
}

/** The stream of the call being placed (for the caller's preview while ringing). */
export function prefetchedStream(): Promise<MediaStream | null> | null {
  return preview ? preview.then((m) => m.stream) : null;
}

/**
 * Camera + microphone for video calls, microphone for audio calls. When
 * permission is denied or a device is missing, fall back (video → audio only →
 * receive only) and say so; the call goes on either way.
 */
export async function getLocalMedia(kind: "video" | "audio"): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, problem: "unsupported" };
  }
  try {
    // The devices chosen in this browser (device-prefs.ts), or the defaults.
    return { stream: await getPreferredMedia({ audio: true, video: kind === "video" }), problem: null };
  } catch (err) {
    const denied = err instanceof DOMException && (err.name === "NotAllowedError" || err.name === "SecurityError");
    if (kind === "video") {
      try {
        const audioOnly = await getPreferredMedia({ audio: true, video: false });
        return {
          stream: audioOnly,
          problem: denied ? "cameraDenied" : "noCamera",
        };
      } catch {
        // fall through to receive-only
      }
    }
    return {
      stream: null,
      problem: denied ? "allDenied" : "noDevices",
    };
  }
}
