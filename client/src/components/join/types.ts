import type { SettledDevices } from "../../rtc/capture";

/** What the person chose on the join page; the call starts from it. */
export interface JoinChoice {
  /** Only for guests: the name the others will see. */
  displayName?: string;
  /** What the toggles showed when the person pressed the button: what the call publishes. */
  audio: boolean;
  video: boolean;
  /** The live preview stream, handed over (not stopped) when the join page goes away. */
  stream: MediaStream | null;
  /**
   * Set when the camera or microphone was still starting: the devices once started (or failed), which the
   * call then publishes on the connections it already has.
   */
  starting?: Promise<SettledDevices>;
  audioDeviceId?: string;
  videoDeviceId?: string;
}
