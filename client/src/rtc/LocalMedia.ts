// The person's own microphone, camera and screen. Mute and camera off only flip `track.enabled` (the far
// side keeps its decoder and the light goes back on instantly); switching devices stops the old track
// first (phones allow one camera at a time) and hands the new one to every connection by `replaceTrack`.
import { signal } from "@preact/signals";
import {
  cameraConstraints,
  captureTrack,
  type MediaProblem,
  microphoneConstraints,
  type SettledDevices,
} from "./capture";
import { canShareScreen } from "./engine-rules";
import type { Slot } from "./PeerLink";

export class LocalMedia {
  /** Microphone and camera, shown in the person's own tile. */
  readonly stream: MediaStream;
  readonly audio = signal(false);
  readonly video = signal(false);
  readonly screenStream = signal<MediaStream | null>(null);
  /** What went wrong with the devices last (codes: components say it in words). */
  readonly problems = signal<readonly MediaProblem[]>([]);
  /** Bumped whenever a track is replaced, so views re-attach the stream. */
  readonly version = signal(0);
  /**
   * Done once the devices still starting when the person joined are published (at once without any).
   * Meanwhile the toggles show what the person chose, and pressing them changes only that choice.
   */
  readonly ready: Promise<void>;
  #starting = false;
  #facing: "user" | "environment" = "user";
  #stopped = false;
  readonly #onTrack: (slot: Slot, track: MediaStreamTrack | null) => void;

  constructor(
    initial: MediaStream | null,
    audio: boolean,
    video: boolean,
    onTrack: (slot: Slot, track: MediaStreamTrack | null) => void,
    starting?: Promise<SettledDevices>,
  ) {
    this.#onTrack = onTrack;
    this.stream = new MediaStream(initial?.getTracks() ?? []);
    const mic = this.#track("audio");
    const camera = this.#track("video");
    if (mic) mic.enabled = audio;
    if (camera) camera.enabled = video;
    this.#starting = starting !== undefined;
    this.audio.value = audio && (mic !== null || this.#starting);
    this.video.value = video && (camera !== null || this.#starting);
    this.ready = starting ? starting.then((settled) => this.#publish(settled)) : Promise.resolve();
  }

  /**
   * The devices that were still starting on the join page are up (or failed): their tracks join the
   * stream and go onto every connection's existing slot by `replaceTrack` (no renegotiation), with the
   * choice the toggles show; a device wanted but missing is reported and its toggle goes off.
   */
  #publish(settled: SettledDevices): void {
    this.#starting = false;
    const arrived = settled.stream?.getTracks() ?? [];
    if (this.#stopped) {
      for (const track of arrived) if (!this.stream.getTracks().includes(track)) track.stop();
      return;
    }
    const problems: MediaProblem[] = [];
    let changed = false;
    for (const kind of ["audio", "video"] as const) {
      const fresh = arrived.find((track) => track.kind === kind && track.readyState === "live") ?? null;
      const old = (kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks())[0] ?? null;
      if (fresh !== old) {
        if (old) this.stream.removeTrack(old);
        if (fresh) this.stream.addTrack(fresh);
        this.#onTrack(kind === "audio" ? "audio" : "camera", fresh);
        changed = true;
      }
      const on = kind === "audio" ? this.audio : this.video;
      if (fresh) fresh.enabled = on.peek();
      else if (on.peek()) {
        on.value = false;
        const problem = kind === "audio" ? settled.audioProblem : settled.videoProblem;
        problems.push({ device: kind === "audio" ? "microphone" : "camera", problem: problem ?? "failed" });
      }
    }
    if (changed) this.version.value += 1;
    if (problems.length > 0) this.problems.value = problems;
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.#track("audio");
  }

  get cameraTrack(): MediaStreamTrack | null {
    return this.#track("video");
  }

  get screenTrack(): MediaStreamTrack | null {
    return this.screenStream.value?.getVideoTracks()[0] ?? null;
  }

  /** Mutes or unmutes; asks for the microphone the first time if the person joined without one. */
  async setAudio(on: boolean): Promise<void> {
    if (this.#starting) {
      this.audio.value = on;
      return;
    }
    let track = this.#track("audio");
    if (on && !track) track = await this.#acquire("audio", microphoneConstraints());
    if (!track) return;
    track.enabled = on;
    this.audio.value = on;
  }

  /** Camera on or off; asks for the camera the first time if the person joined without one. */
  async setVideo(on: boolean): Promise<void> {
    if (this.#starting) {
      this.video.value = on;
      return;
    }
    let track = this.#track("video");
    if (on && !track) track = await this.#acquire("video", cameraConstraints(undefined, this.#facing));
    if (!track) return;
    track.enabled = on;
    this.video.value = on;
  }

  /** Uses another microphone or camera. */
  async useDevice(kind: "audio" | "video", deviceId: string): Promise<void> {
    await this.ready;
    const constraints = kind === "audio" ? microphoneConstraints(deviceId) : cameraConstraints(deviceId);
    const track = await this.#acquire(kind, constraints);
    if (track) track.enabled = kind === "audio" ? this.audio.value : this.video.value;
  }

  /**
   * Front ↔ back camera on a phone; where cameras do not say which way they face (a laptop with a
   * second camera plugged in), the next camera in the browser's list.
   */
  async flipCamera(): Promise<void> {
    await this.ready;
    const current = this.#track("video");
    if (current && (current.getCapabilities?.().facingMode ?? []).length === 0) {
      const cameras = (await navigator.mediaDevices.enumerateDevices()).filter(
        (device) => device.kind === "videoinput" && device.deviceId,
      );
      const at = cameras.findIndex((camera) => camera.deviceId === current.getSettings().deviceId);
      const next = cameras[(at + 1) % cameras.length];
      if (cameras.length > 1 && next) return this.useDevice("video", next.deviceId);
    }
    this.#facing = this.#facing === "user" ? "environment" : "user";
    const track = await this.#acquire("video", cameraConstraints(undefined, this.#facing));
    if (track) track.enabled = this.video.value;
  }

  /** Starts sharing a screen, window or tab; false when the person cancelled or it is not possible. */
  async startScreen(): Promise<boolean> {
    if (!canShareScreen() || this.screenStream.value) return Boolean(this.screenStream.value);
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { ideal: 15, max: 30 } },
        audio: false,
      });
      const track = display.getVideoTracks()[0];
      if (!track || this.#stopped) {
        for (const t of display.getTracks()) t.stop();
        return false;
      }
      track.contentHint = "detail";
      // The browser's own "Stop sharing" bar ends the track.
      track.onended = () => this.stopScreen();
      this.screenStream.value = display;
      this.#onTrack("screen", track);
      return true;
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "NotAllowedError"))
        this.problems.value = [{ device: "screen", problem: "failed" }];
      return false;
    }
  }

  stopScreen(): void {
    const display = this.screenStream.value;
    if (!display) return;
    for (const track of display.getTracks()) track.stop();
    this.screenStream.value = null;
    this.#onTrack("screen", null);
  }

  /** Releases every device (the camera light goes off). */
  stop(): void {
    this.#stopped = true;
    for (const track of this.stream.getTracks()) track.stop();
    this.stopScreen();
  }

  /** The live track of a kind; an ended one (device unplugged, revoked) counts as none. */
  #track(kind: "audio" | "video"): MediaStreamTrack | null {
    const track = (kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks())[0] ?? null;
    return track?.readyState === "live" ? track : null;
  }

  async #acquire(
    kind: "audio" | "video",
    constraints: MediaTrackConstraints,
  ): Promise<MediaStreamTrack | null> {
    const old = (kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks())[0] ?? null;
    // Stop first: many phones cannot open a second camera while one is live.
    old?.stop();
    const captured = await captureTrack(navigator.mediaDevices, kind, constraints);
    const track = captured.track;
    if (captured.problem === null) {
      if (!track || this.#stopped) {
        track?.stop();
        return null;
      }
      if (old) this.stream.removeTrack(old);
      this.stream.addTrack(track);
      this.problems.value = [];
      this.version.value += 1;
      this.#onTrack(kind === "audio" ? "audio" : "camera", track);
      return track;
    }
    if (old) {
      this.stream.removeTrack(old);
      this.#onTrack(kind === "audio" ? "audio" : "camera", null);
      this.version.value += 1;
    }
    this.problems.value = [{ device: kind === "audio" ? "microphone" : "camera", problem: captured.problem }];
    if (kind === "audio") this.audio.value = false;
    else this.video.value = false;
    return null;
  }
}
