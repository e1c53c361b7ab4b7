import { createModel, signal } from "@preact/signals";
import {
  cameraConstraints,
  captureTrack,
  type DeviceProblem,
  microphoneConstraints,
  type SettledDevices,
} from "../rtc/capture";
import { loudness, tapLevel } from "../rtc/level-meter";
import { readDevicePicks, writeDevicePicks } from "./preferences";

export interface DeviceOption {
  id: string;
  label: string;
}

const FALLBACK_NAMES: Record<MediaDeviceKind, string> = {
  videoinput: "Camera",
  audioinput: "Microphone",
  audiooutput: "Speaker",
};

/** The devices of one kind as options; unnamed ones (no permission yet) are numbered. */
export function deviceOptions(all: MediaDeviceInfo[], kind: MediaDeviceKind): DeviceOption[] {
  return all
    .filter((device) => device.kind === kind && device.deviceId !== "")
    .map((device, index) => ({
      id: device.deviceId,
      label: device.label || `${FALLBACK_NAMES[kind]} ${index + 1}`,
    }));
}

export interface DevicesInit {
  /** A stream to keep using (e.g. the one the join page handed to the call). */
  stream?: MediaStream | null;
  audioDeviceId?: string;
  videoDeviceId?: string;
}

function mediaDevices(): MediaDevices | null {
  if (typeof window !== "undefined" && !window.isSecureContext) return null;
  return typeof navigator !== "undefined" && navigator.mediaDevices ? navigator.mediaDevices : null;
}

/**
 * Camera and microphone: the device lists, the chosen devices, one local stream (a fresh MediaStream
 * object whenever its tracks change, so views and peer connections notice), a live microphone level
 * 0…1, and why a device is unavailable. Used by the join page and by the call.
 */
export const DevicesModel = createModel((init: DevicesInit = {}) => {
  const picks = readDevicePicks();
  const cameras = signal<DeviceOption[]>([]);
  const microphones = signal<DeviceOption[]>([]);
  const videoDeviceId = signal<string | undefined>(init.videoDeviceId ?? picks.video);
  const audioDeviceId = signal<string | undefined>(init.audioDeviceId ?? picks.audio);
  const stream = signal<MediaStream | null>(init.stream ?? null);
  const audioOn = signal(init.stream ? init.stream.getAudioTracks().some((track) => track.enabled) : false);
  const videoOn = signal(init.stream ? init.stream.getVideoTracks().length > 0 : false);
  const audioProblem = signal<DeviceProblem | null>(null);
  const videoProblem = signal<DeviceProblem | null>(null);
  const level = signal(0);
  const busy = signal(false);

  // Device changes run one after another, so quick clicks never leave two cameras open.
  let queue: Promise<unknown> = Promise.resolve();
  /** Changes asked for and not finished yet (counted from the call, not from when they start). */
  let unsettled = 0;
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    unsettled += 1;
    const run = queue.then(task, task).finally(() => {
      unsettled -= 1;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  let meter: { context: AudioContext; stop: () => void } | null = null;
  let meterTrack: MediaStreamTrack | null = null;

  const devices = mediaDevices();
  const onDeviceChange = () => void listDevices();
  devices?.addEventListener("devicechange", onDeviceChange);

  function tracks(kind: "audio" | "video"): MediaStreamTrack[] {
    const current = stream.value;
    if (!current) return [];
    return kind === "audio" ? current.getAudioTracks() : current.getVideoTracks();
  }

  /** Replaces the tracks of one kind, publishing a new stream object. */
  function setTracks(kind: "audio" | "video", next: MediaStreamTrack[]) {
    const other = tracks(kind === "audio" ? "video" : "audio");
    for (const old of tracks(kind)) if (!next.includes(old)) old.stop();
    const all = kind === "audio" ? [...next, ...other] : [...other, ...next];
    stream.value = all.length > 0 ? new MediaStream(all) : null;
    if (kind === "audio") watchLevel();
  }

  async function listDevices() {
    if (!devices) return;
    try {
      const all = await devices.enumerateDevices();
      cameras.value = deviceOptions(all, "videoinput");
      microphones.value = deviceOptions(all, "audioinput");
    } catch {
      // Listing is a nicety; capture still works with the default devices.
    }
  }

  async function capture(kind: "audio" | "video"): Promise<MediaStreamTrack | null> {
    const problem = kind === "audio" ? audioProblem : videoProblem;
    if (!devices) {
      problem.value = "insecure";
      return null;
    }
    const chosen = kind === "audio" ? audioDeviceId.value : videoDeviceId.value;
    const constraints = kind === "audio" ? microphoneConstraints(chosen) : cameraConstraints(chosen);
    const captured = await captureTrack(devices, kind, constraints);
    // A remembered device that was unplugged: fall back to the system default once.
    if (chosen && captured.problem === "missing") {
      if (kind === "audio") audioDeviceId.value = undefined;
      else videoDeviceId.value = undefined;
      return capture(kind);
    }
    problem.value = captured.problem;
    return captured.track;
  }

  /**
   * Starts capture for what is wanted; a device that fails is reported and the other still works. The
   * toggles show what is wanted at once (joining meanwhile keeps that intent, see `settled`).
   */
  function open(want: { audio: boolean; video: boolean }): Promise<void> {
    audioOn.value = want.audio;
    videoOn.value = want.video;
    return serial(async () => {
      busy.value = true;
      try {
        if (!devices) {
          if (want.audio) audioProblem.value = "insecure";
          if (want.video) videoProblem.value = "insecure";
          audioOn.value = false;
          videoOn.value = false;
          return;
        }
        let audio: MediaStreamTrack | null = null;
        let video: MediaStreamTrack | null = null;
        if (want.audio && want.video) {
          // One request, so the browser asks for both permissions at once.
          try {
            const got = await devices.getUserMedia({
              audio: microphoneConstraints(audioDeviceId.value),
              video: cameraConstraints(videoDeviceId.value),
            });
            audio = got.getAudioTracks()[0] ?? null;
            video = got.getVideoTracks()[0] ?? null;
            audioProblem.value = null;
            videoProblem.value = null;
          } catch {
            // Find out which one is the trouble: each is tried alone.
            audio = await capture("audio");
            video = await capture("video");
          }
        } else {
          if (want.audio) audio = await capture("audio");
          if (want.video) video = await capture("video");
        }
        setTracks("audio", audio ? [audio] : []);
        setTracks("video", video ? [video] : []);
        // A toggle pressed while starting already shows its choice, and applies it next (queued).
        audioOn.value = audio !== null && audioOn.peek();
        videoOn.value = video !== null && videoOn.peek();
        await listDevices();
        rememberActual();
      } finally {
        busy.value = false;
      }
    });
  }

  /** Remembers which devices the browser actually gave us, so the pickers show them. */
  function rememberActual() {
    const audio = tracks("audio")[0]?.getSettings().deviceId;
    const video = tracks("video")[0]?.getSettings().deviceId;
    if (audio) audioDeviceId.value = audio;
    if (video) videoDeviceId.value = video;
  }

  /** Opens a device that is not open yet; its toggle stays on only if it started. */
  async function startCapture(kind: "audio" | "video"): Promise<void> {
    const on = kind === "audio" ? audioOn : videoOn;
    busy.value = true;
    try {
      const track = await capture(kind);
      setTracks(kind, track ? [track] : []);
      on.value = track !== null && on.peek();
      if (track) await listDevices();
    } finally {
      busy.value = false;
    }
  }

  /**
   * Microphone on/off: a muted track stays open, so unmuting is instant. The toggle shows the choice at
   * once, even while a capture before it is still starting.
   */
  function setAudio(on: boolean): Promise<void> {
    audioOn.value = on;
    return serial(async () => {
      const current = tracks("audio")[0];
      if (current && current.readyState === "live") {
        current.enabled = on;
        audioOn.value = on;
        return;
      }
      if (!on) {
        audioOn.value = false;
        return;
      }
      await startCapture("audio");
    });
  }

  /** Camera on/off: off releases the camera, so its light goes out. Shown at once, like `setAudio`. */
  function setVideo(on: boolean): Promise<void> {
    videoOn.value = on;
    return serial(async () => {
      if (!on) {
        setTracks("video", []);
        videoOn.value = false;
        return;
      }
      await startCapture("video");
    });
  }

  /** Switches to another camera (keeps it off if it was off). */
  function pickCamera(id: string): Promise<void> {
    videoDeviceId.value = id;
    writeDevicePicks({ audio: audioDeviceId.value, video: id });
    if (!videoOn.value) return Promise.resolve();
    return serial(async () => {
      const track = await capture("video");
      if (track) setTracks("video", [track]);
    });
  }

  /** Switches to another microphone, keeping its muted state. */
  function pickMicrophone(id: string): Promise<void> {
    audioDeviceId.value = id;
    writeDevicePicks({ audio: id, video: videoDeviceId.value });
    if (tracks("audio").length === 0) return Promise.resolve();
    return serial(async () => {
      const track = await capture("audio");
      if (!track) return;
      track.enabled = audioOn.value;
      setTracks("audio", [track]);
    });
  }

  function stopMeter() {
    meter?.stop();
    meter = null;
    meterTrack = null;
    level.value = 0;
  }

  /** Follows the live microphone track with an analyser; ~15 updates a second are plenty for a bar. */
  function watchLevel() {
    const track = tracks("audio")[0] ?? null;
    if (track === meterTrack) return;
    stopMeter();
    if (!track || typeof AudioContext === "undefined") return;
    const context = new AudioContext();
    const tap = tapLevel(context, track, 1024);
    let smoothed = 0;
    const tick = setInterval(() => {
      if (context.state === "suspended") void context.resume();
      // Falls back slowly so the bar is readable.
      smoothed = Math.max(loudness(tap.rms()), smoothed * 0.8);
      level.value = track.enabled ? Math.round(smoothed * 100) / 100 : 0;
    }, 66);
    meter = {
      context,
      stop: () => {
        clearInterval(tick);
        tap.disconnect();
        void context.close();
      },
    };
    meterTrack = track;
  }

  if (init.stream) watchLevel();

  return {
    cameras,
    microphones,
    videoDeviceId,
    audioDeviceId,
    stream,
    audioOn,
    videoOn,
    audioProblem,
    videoProblem,
    level,
    busy,
    open,
    setAudio,
    setVideo,
    pickCamera,
    pickMicrophone,
    listDevices,
    /** Whether a capture or device change is still under way (or queued). */
    starting(): boolean {
      return unsettled > 0;
    },
    /**
     * What the devices come to once every capture started so far has finished: the stream and why a
     * device is missing. The call is handed this when someone joins while the camera is still starting.
     */
    settled(): Promise<SettledDevices> {
      return serial(async () => ({
        stream: stream.peek(),
        audioProblem: audioProblem.peek(),
        videoProblem: videoProblem.peek(),
      }));
    },
    /** Gives the stream away (to the call) without stopping it; this model is done afterwards. */
    release(): MediaStream | null {
      const given = stream.value;
      devices?.removeEventListener("devicechange", onDeviceChange);
      stopMeter();
      stream.value = null;
      return given;
    },
    /** Stops every track and the meter; this model is done afterwards. */
    close() {
      devices?.removeEventListener("devicechange", onDeviceChange);
      stopMeter();
      for (const track of stream.value?.getTracks() ?? []) track.stop();
      stream.value = null;
    },
  };
});

export type Devices = InstanceType<typeof DevicesModel>;
