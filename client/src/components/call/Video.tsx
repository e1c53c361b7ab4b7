import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { replayOnReturn } from "../../rtc/engine-rules";

interface VideoProps {
  stream: MediaStream | null;
  /** Bumped when the stream's tracks change, to re-attach and play. */
  version?: number;
  muted?: boolean;
  mirrored?: boolean;
  fit?: "cover" | "contain";
  /** The browser refused to start sound without a tap. */
  onBlocked?: () => void;
}

/** A `<video>` playing a MediaStream inline (no fullscreen takeover on phones). */
export function Video({
  stream,
  version = 0,
  muted = false,
  mirrored = false,
  fit = "cover",
  onBlocked,
}: VideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const play = (video: HTMLVideoElement) =>
    video.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === "NotAllowedError") onBlocked?.();
    });
  // Attached as soon as the element exists, before the browser paints (an effect would wait for a
  // frame to be painted first): the first remote picture can show the moment it is decoded.
  // `version` re-plays after tracks change.
  useLayoutEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    if (stream) play(video);
  }, [stream, version, onBlocked]);
  // Safari pauses it in the background: play again (sound included) when the page is back in front.
  useEffect(() => replayOnReturn(document, () => ref.current, play), [onBlocked]);
  return (
    <video
      ref={ref}
      class={`video ${fit}${mirrored ? " mirrored" : ""}`}
      autoPlay
      playsInline
      muted={muted}
      disablePictureInPicture
    />
  );
}
