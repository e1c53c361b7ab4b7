// The words for what went wrong with a camera, microphone or screen share (rtc/ reports codes).
import type { DeviceProblem, MediaProblem } from "../rtc/capture";

type Device = "microphone" | "camera";

/** On the join page, with what to do before pressing Try again. */
export const joinProblemText: Record<DeviceProblem, (device: Device) => string> = {
  blocked: (device) =>
    `Your browser is blocking the ${device}. Allow it from the icon in the address bar, then press Try again.`,
  missing: (device) => `No ${device} was found. Plug one in and press Try again.`,
  busy: (device) => `Your ${device} is being used by another app. Close that app, then press Try again.`,
  insecure: (device) => `The ${device} can't be used on this page.`,
  failed: (device) => `Your ${device} could not be started.`,
};

/** In the call, as a banner. */
const callProblemText: Record<DeviceProblem, (device: Device) => string> = {
  blocked: (device) => `The ${device} is blocked. Allow it in the browser's site settings.`,
  insecure: (device) => `The ${device} can't be used on this page.`,
  missing: (device) => `No ${device} was found.`,
  busy: (device) => `The ${device} is in use by another app.`,
  failed: (device) => `The ${device} could not be started.`,
};

/** The call's banner for its media problems; null when there are none. */
export function describeMediaProblems(problems: readonly MediaProblem[]): string | null {
  if (problems.length === 0) return null;
  return problems
    .map((p) =>
      p.device === "screen" ? "Screen sharing did not start." : callProblemText[p.problem](p.device),
    )
    .join(" ");
}
