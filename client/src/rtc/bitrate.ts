// How much camera video each connection may send as the mesh grows. In a full mesh everyone uploads
// one stream per other person, so a 12-person call at 720p would swamp an ordinary uplink; the camera
// is scaled down and capped as people join and restored as they leave. Pure: unit tests run it in node.

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
