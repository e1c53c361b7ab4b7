// What every camera and microphone capture asks for, on the join page (models/devices.ts) and in the call
// (LocalMedia.ts), and what a failed capture means.

/** Why a camera or microphone is not available, in terms a person can act on. */
export type DeviceProblem = "blocked" | "missing" | "busy" | "insecure" | "failed";

/** A problem with the person's own media, as a code: components turn it into words. */
export type MediaProblem =
  | { device: "microphone" | "camera"; problem: DeviceProblem }
  | { device: "screen"; problem: "failed" };

/** Camera and microphone once they have started (or failed to): the join page hands this to the call. */
export interface SettledDevices {
  stream: MediaStream | null;
  audioProblem: DeviceProblem | null;
  videoProblem: DeviceProblem | null;
}

/** 720p at up to 30 fps; without a chosen device, a phone uses its front camera (or `facingMode`). */
export function cameraConstraints(
  deviceId?: string,
  facingMode: "user" | "environment" = "user",
): MediaTrackConstraints {
  return {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30, max: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode }),
  };
}

/** Echo cancellation and noise suppression on, as a call needs them. */
export function microphoneConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}

/** Maps getUserMedia's DOMException names (older browsers' too) to what a person can do about them. */
export function classifyMediaError(error: unknown): Exclude<DeviceProblem, "insecure"> {
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError")
    return "blocked";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError")
    return "missing";
  if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") return "busy";
  return "failed";
}

/** One capture's outcome: the track (null if the browser gave none), or why there is none. */
export type Captured =
  | { track: MediaStreamTrack | null; problem: null }
  | { track: null; problem: Exclude<DeviceProblem, "insecure"> };

/** Asks for one microphone or camera track; a refusal comes back as a problem, never thrown. */
export async function captureTrack(
  devices: MediaDevices,
  kind: "audio" | "video",
  constraints: MediaTrackConstraints,
): Promise<Captured> {
  try {
    const got = await devices.getUserMedia({ [kind]: constraints });
    const track = (kind === "audio" ? got.getAudioTracks() : got.getVideoTracks())[0] ?? null;
    return { track, problem: null };
  } catch (error) {
    return { track: null, problem: classifyMediaError(error) };
  }
}
