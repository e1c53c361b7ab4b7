// What the browser benchmarks install in every page before it loads (Playwright serialises these functions,
// so they use nothing from outside their own body). All times are epoch milliseconds at microsecond
// resolution (performance.timeOrigin + performance.now()), comparable between pages of one browser.

import { videoLimitFor, withStartBitrate } from "../../client/src/rtc/bitrate.ts";
import { cameraConstraints, microphoneConstraints } from "../../client/src/rtc/capture.ts";

/** One page's measurements, read back with `page.evaluate(() => window.__bench)`. */
export interface BenchProbe {
  /** When each remote video track showed its first decoded frame. */
  firstFrames: Array<{ at: number; track: string }>;
  /** Clicks on buttons, with the button's text. */
  clicks: Array<{ at: number; label: string }>;
  /** When the join page was first ready: preview on, microphone on, join button enabled. */
  readyAt: number | null;
  /** When the page's first peer connection reached `connected` (ICE and DTLS done). */
  connectedAt: number | null;
  /** What the page's peer connections and remote <video>s did, in order (for reading where time goes). */
  rtc: Array<{ at: number; what: string }>;
}

declare global {
  interface Window {
    __bench: BenchProbe;
  }
}

/**
 * Records the first decoded frame of every remote <video> (requestVideoFrameCallback, with a 5 ms poll
 * of the decoded-frame count as a fallback; whichever is first), button clicks, when the join page is
 * ready to be used, and a log of what the peer connections, remote videos and long main-thread tasks did.
 */
export function installProbe(): void {
  const now = () => performance.timeOrigin + performance.now();
  const probe: BenchProbe = { firstFrames: [], clicks: [], readyAt: null, connectedAt: null, rtc: [] };
  window.__bench = probe;
  const log = (what: string) => probe.rtc.push({ at: now(), what });
  if (typeof PerformanceObserver !== "undefined")
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        probe.rtc.push({
          at: performance.timeOrigin + entry.startTime,
          what: `long task ${entry.duration.toFixed(0)} ms`,
        });
    }).observe({ type: "longtask", buffered: true });
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      log(`pc created (${JSON.stringify(config?.iceServers ?? [])})`);
      this.addEventListener("connectionstatechange", () => {
        log(`connection ${this.connectionState}`);
        if (this.connectionState === "connected" && probe.connectedAt === null) probe.connectedAt = now();
      });
      this.addEventListener("iceconnectionstatechange", () => log(`ice ${this.iceConnectionState}`));
      this.addEventListener("icegatheringstatechange", () => log(`gathering ${this.iceGatheringState}`));
      this.addEventListener("negotiationneeded", () => log("negotiationneeded"));
      this.addEventListener("icecandidate", ({ candidate }) =>
        log(
          candidate
            ? `candidate ${candidate.type} ${candidate.protocol} ${candidate.address}`
            : "candidates done",
        ),
      );
      this.addEventListener("track", ({ track }) => {
        log(`track ${track.kind} (muted ${track.muted})`);
        track.addEventListener("unmute", () => log(`unmute ${track.kind}`));
      });
    }
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      log(`setLocalDescription ${description?.type ?? "(implicit)"}`);
      await super.setLocalDescription(description);
      log(`setLocalDescription ${this.localDescription?.type} done`);
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      log(`setRemoteDescription ${description.type}`);
      await super.setRemoteDescription(description);
      log(`setRemoteDescription ${description.type} done`);
    }
    override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      log(`addIceCandidate ${candidate?.candidate?.split(" ").slice(4, 8).join(" ") ?? ""}`);
      await super.addIceCandidate(candidate ?? undefined);
    }
  } as typeof RTCPeerConnection;
  const local = new Set<string>();
  const media = navigator.mediaDevices;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      for (const track of stream.getTracks()) local.add(track.id);
      return stream;
    };
  }
  const watched = new Set<string>();
  const watch = (video: HTMLVideoElement) => {
    const stream = video.srcObject;
    if (!(stream instanceof MediaStream)) return;
    const track = stream.getVideoTracks()[0];
    if (!track || local.has(track.id) || watched.has(track.id)) return;
    watched.add(track.id);
    log(`remote video watched (track muted ${track.muted}, readyState ${video.readyState})`);
    for (const type of ["loadedmetadata", "playing", "resize"])
      video.addEventListener(type, () => log(`video ${type} ${video.videoWidth}x${video.videoHeight}`));
    let done = false;
    const record = (at: number) => {
      if (done) return;
      done = true;
      probe.firstFrames.push({ at, track: track.id });
    };
    video.requestVideoFrameCallback?.((_, meta) =>
      record(performance.timeOrigin + Math.min(meta.presentationTime, performance.now())),
    );
    const poll = () => {
      if (done) return;
      if (video.getVideoPlaybackQuality().totalVideoFrames > 0) record(now());
      else setTimeout(poll, 5);
    };
    poll();
  };
  const ready = () => {
    const submit = [...document.querySelectorAll<HTMLButtonElement>("button[type=submit]")].find(
      (b) => /^(Join now|Ask to join)$/.test(b.textContent?.trim() ?? "") && !b.disabled,
    );
    const on = document.querySelectorAll("button.toggle[aria-pressed=true]").length;
    return submit !== undefined && on >= 2;
  };
  const scan = () => {
    for (const video of document.querySelectorAll("video")) watch(video);
    if (probe.readyAt === null && ready()) probe.readyAt = now();
  };
  setInterval(scan, 5);
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target instanceof Element ? event.target.closest("button") : null;
      if (button) probe.clicks.push({ at: now(), label: button.textContent?.trim() ?? "" });
    },
    true,
  );
}

/**
 * `fn(arg)` as page source. tsx (esbuild) wraps named inner functions in a `__name` helper that exists
 * only in Node, so the page gets a stand-in.
 */
export function pageSource<T>(fn: (arg: T) => unknown, arg?: T): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg ?? null)}); })()`;
}

/** The floor's capture: the very constraints VCME's join page and call use. */
export const FLOOR_MEDIA: MediaStreamConstraints = {
  video: cameraConstraints(),
  audio: microphoneConstraints(),
};

/** A text replacement the floor pages make in every remote description before applying it. */
export interface DescriptionEdit {
  from: string;
  to: string;
}

/**
 * VCME's start bitrate for a two-person call (`withStartBitrate` in client/src/rtc/bitrate.ts), as the
 * replacement it makes, derived from that function so the floor cannot drift from it.
 */
export const FLOOR_START_BITRATE: DescriptionEdit = (() => {
  const from = "useinbandfec=1";
  const to = withStartBitrate(from, videoLimitFor(1));
  if (!to || to === from) throw new Error("withStartBitrate no longer edits the Opus line");
  return { from, to };
})();

/** A message between the two floor pages: a session description or one ICE candidate. */
type FloorMessage =
  | { kind: "description"; description: RTCSessionDescriptionInit }
  | { kind: "candidate"; candidate: RTCIceCandidateInit };

declare global {
  interface Window {
    __floor: {
      /** Makes the offer; returns when it started (epoch ms). */
      start(): Promise<number>;
      /** Epoch ms of offerSent, offerReceived, answerSent, answerReceived (whichever this page saw). */
      marks: Record<string, number>;
    };
  }
}

/**
 * The WebRTC floor, in one of two pages of one browser profile: camera and microphone on, one
 * RTCPeerConnection with no ICE servers, and the fastest signaling there is — a BroadcastChannel straight
 * to the other page, every candidate sent the moment it is found, each message held `relayDelayMs` first
 * (the hop to a signaling server and back down, when the condition has one). With `edit`, each remote
 * description is edited as VCME edits it before it is applied.
 */
export async function setUpFloorPage({
  relayDelayMs,
  media,
  edit,
}: {
  relayDelayMs: number;
  /** What VCME asks the camera and microphone for (client/src/rtc/capture.ts), so both send the same. */
  media: MediaStreamConstraints;
  edit: DescriptionEdit | null;
}): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia(media);
  // Bundled like VCME's connections, so both gather the same candidates.
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  const channel = new BroadcastChannel("vcme-floor");
  const marks: Record<string, number> = {};
  const mark = (name: string) => {
    marks[name] = performance.timeOrigin + performance.now();
  };
  const send = (message: FloorMessage) => {
    if (relayDelayMs > 0) setTimeout(() => channel.postMessage(message), relayDelayMs);
    else channel.postMessage(message);
  };
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const video = document.createElement("video");
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  pc.ontrack = ({ streams }) => {
    if (streams[0] && video.srcObject !== streams[0]) video.srcObject = streams[0];
  };
  pc.onicecandidate = ({ candidate }) => {
    if (candidate) send({ kind: "candidate", candidate: candidate.toJSON() });
  };
  channel.onmessage = async ({ data }: MessageEvent<FloorMessage>) => {
    if (data.kind === "candidate") {
      await pc.addIceCandidate(data.candidate);
      return;
    }
    mark(data.description.type === "offer" ? "offerReceived" : "answerReceived");
    const { type, sdp } = data.description;
    await pc.setRemoteDescription({ type, sdp: edit ? sdp?.replaceAll(edit.from, edit.to) : sdp });
    if (data.description.type === "offer") {
      await pc.setLocalDescription(await pc.createAnswer());
      mark("answerSent");
      if (pc.localDescription) send({ kind: "description", description: pc.localDescription.toJSON() });
    }
  };
  window.__floor = {
    async start() {
      const at = performance.timeOrigin + performance.now();
      await pc.setLocalDescription(await pc.createOffer());
      mark("offerSent");
      if (pc.localDescription) send({ kind: "description", description: pc.localDescription.toJSON() });
      return at;
    },
    marks,
  };
}
