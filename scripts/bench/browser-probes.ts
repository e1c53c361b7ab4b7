// What the browser benchmarks install in every page before it loads (Playwright serialises these functions,
// so they use nothing from outside their own body). All times are epoch milliseconds at microsecond
// resolution (performance.timeOrigin + performance.now()), comparable between pages of one browser.

/** One page's measurements, read back with `page.evaluate(() => window.__bench)`. */
export interface BenchProbe {
  /** When each remote video track showed its first decoded frame. */
  firstFrames: Array<{ at: number; track: string }>;
  /** Clicks on buttons, with the button's text. */
  clicks: Array<{ at: number; label: string }>;
  /** When the join page was first ready: preview on, microphone on, join button enabled. */
  readyAt: number | null;
}

declare global {
  interface Window {
    __bench: BenchProbe;
  }
}

/**
 * Records the first decoded frame of every remote <video> (requestVideoFrameCallback, with a 5 ms poll
 * of the decoded-frame count as a fallback; whichever is first), button clicks, and when the join page is
 * ready to be used.
 */
export function installProbe(): void {
  const now = () => performance.timeOrigin + performance.now();
  const probe: BenchProbe = { firstFrames: [], clicks: [], readyAt: null };
  window.__bench = probe;
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
 * `fn` as page source. tsx (esbuild) wraps named inner functions in a `__name` helper that exists only in
 * Node, so the page gets a stand-in.
 */
export function pageSource(fn: () => unknown): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(); })()`;
}

/** A message between the two floor pages: a session description or one ICE candidate. */
export type FloorMessage =
  | { kind: "description"; description: RTCSessionDescriptionInit }
  | { kind: "candidate"; candidate: RTCIceCandidateInit };

declare global {
  interface Window {
    __floor: {
      start(): Promise<number>;
      receive(message: FloorMessage): Promise<void>;
    };
    /** Exposed by the harness: hands a message to the other page. */
    floorSend(message: FloorMessage): Promise<void>;
  }
}

/**
 * The WebRTC floor, in a page: camera and microphone on, one RTCPeerConnection with no ICE servers, every
 * candidate sent the moment it is found. `start()` (on one page) makes the offer and returns when it did so.
 */
export async function setUpFloorPage(): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const pc = new RTCPeerConnection();
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
    if (candidate) void window.floorSend({ kind: "candidate", candidate: candidate.toJSON() });
  };
  window.__floor = {
    async start() {
      const at = performance.timeOrigin + performance.now();
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.localDescription)
        void window.floorSend({ kind: "description", description: pc.localDescription.toJSON() });
      return at;
    },
    async receive(message) {
      if (message.kind === "candidate") {
        await pc.addIceCandidate(message.candidate);
        return;
      }
      await pc.setRemoteDescription(message.description);
      if (message.description.type === "offer") {
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.localDescription)
          void window.floorSend({ kind: "description", description: pc.localDescription.toJSON() });
      }
    },
  };
}
