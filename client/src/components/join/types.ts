/** What the person chose on the join page; the call starts from it. */
export interface JoinChoice {
  /** Only for guests: the name the others will see. */
  displayName?: string;
  audio: boolean;
  video: boolean;
  /** The live preview stream, handed over (not stopped) when the join page goes away. */
  stream: MediaStream | null;
  audioDeviceId?: string;
  videoDeviceId?: string;
}
