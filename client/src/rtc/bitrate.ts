// How much camera video each connection may send as the mesh grows. In a full mesh everyone uploads
// one stream per other person, so a 12-person call at 720p would swamp an ordinary uplink; the camera
// is scaled down and capped as people join and restored as they leave. Pure but for `applyVideoLimit`:
// unit tests run the rest in node.

/** The cap on one connection's camera video. */
export interface VideoLimit {
  /** Bits per second for this one connection. */
  maxBitrate: number;
  /** 1 = full 720p, 2 = 360p, … */
  scaleResolutionDownBy: number;
}

/** The camera limit per connection when this person is connected to `peers` others. */
export function videoLimitFor(peers: number): VideoLimit {
  if (peers <= 1) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 };
  if (peers <= 3) return { maxBitrate: 900_000, scaleResolutionDownBy: 1 };
  if (peers <= 5) return { maxBitrate: 600_000, scaleResolutionDownBy: 1.5 };
  if (peers <= 8) return { maxBitrate: 400_000, scaleResolutionDownBy: 2 };
  return { maxBitrate: 250_000, scaleResolutionDownBy: 3 };
}

/**
 * Chromium starts a connection's bandwidth estimate at 300 kbps, where its encoder drops a 720p camera's
 * first frames until it has scaled them down: the far side's first picture comes 100–150 ms later than
 * it could. The remote description tells this browser to start at what this connection may send (at most
 * 1 Mbps) instead, through `x-google-start-bitrate`, a codec parameter of Google's WebRTC (Chromium,
 * Safari; Firefox ignores it). It goes on the Opus line every browser's description has: the start is
 * the whole connection's, whatever the video codec.
 */
export function withStartBitrate(sdp: string | undefined, limit: VideoLimit | null): string | undefined {
  const kbps = Math.min(1_000, (limit?.maxBitrate ?? 1e6) / 1_000);
  return sdp?.replace(/useinbandfec=1/g, `$&;x-google-start-bitrate=${kbps}`);
}

/** Structurally an RTCRtpSender, so this file needs no DOM types. */
interface SenderParameters {
  encodings?: { maxBitrate?: number; scaleResolutionDownBy?: number }[];
}
interface CameraSender {
  getParameters(): SenderParameters;
  setParameters(parameters: never): Promise<void>;
}

/**
 * Puts `limit` on the first encoding of `sender` (the camera's). Before negotiation there are no encodings
 * yet: the caller applies it again once the connection is up, when every engine has filled them in.
 */
export async function applyVideoLimit(sender: CameraSender, limit: VideoLimit): Promise<void> {
  const parameters = sender.getParameters();
  const encoding = parameters.encodings?.[0];
  if (!encoding) return;
  if (
    encoding.maxBitrate === limit.maxBitrate &&
    encoding.scaleResolutionDownBy === limit.scaleResolutionDownBy
  )
    return;
  encoding.maxBitrate = limit.maxBitrate;
  encoding.scaleResolutionDownBy = limit.scaleResolutionDownBy;
  await sender
    .setParameters(parameters as never)
    .catch((error: unknown) => console.warn("vcme: video limit", error));
}
