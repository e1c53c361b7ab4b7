import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface PreviewProps {
  stream: MediaStream | null;
  videoOn: boolean;
  offText: string;
  children?: ComponentChildren;
}

/** Your own camera, mirrored like a mirror, muted so you never hear yourself. */
export function Preview({ stream, videoOn, offText, children }: PreviewProps) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.srcObject = stream;
    if (stream) void element.play().catch(() => undefined);
  }, [stream]);
  const showVideo = videoOn && stream !== null && stream.getVideoTracks().length > 0;
  return (
    <div class="preview">
      <video ref={video} muted autoplay playsInline aria-label="Your camera preview" hidden={!showVideo} />
      {!showVideo && (
        <div class="preview-off">
          <p>{offText}</p>
        </div>
      )}
      {children && <div class="preview-controls">{children}</div>}
    </div>
  );
}
