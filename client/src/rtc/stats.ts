// Connection quality from `RTCPeerConnection.getStats()`: round-trip time, packet loss and incoming
// bitrate between two samples. Pure: stats arrive as plain records, so unit tests run it in node.

export type QualityLevel = "good" | "fair" | "poor" | "unknown";

export interface Quality {
  level: QualityLevel;
  rttMs: number | null;
  /** Share of incoming packets lost since the previous sample, 0–100. */
  lossPercent: number | null;
  /** Incoming bitrate (all media) since the previous sample. */
  bitrateKbps: number | null;
  /** The last incoming bitrates, oldest first, for the sparkline. */
  history: number[];
}

/** What one sample keeps to compare with the next. */
export interface StatsSample {
  at: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
}

type Stat = Readonly<Record<string, unknown>>;

const HISTORY = 30;

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** Reads the totals of one report: inbound RTP counters and the selected candidate pair's RTT. */
export function readSample(stats: Iterable<Stat>, at: number): { sample: StatsSample; rttMs: number | null } {
  let bytesReceived = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let rttMs: number | null = null;
  for (const stat of stats) {
    if (stat.type === "inbound-rtp") {
      bytesReceived += num(stat.bytesReceived);
      packetsReceived += num(stat.packetsReceived);
      packetsLost += num(stat.packetsLost);
    } else if (
      stat.type === "candidate-pair" &&
      (stat.nominated === true || stat.selected === true) &&
      stat.state === "succeeded"
    ) {
      if (typeof stat.currentRoundTripTime === "number") rttMs = Math.round(stat.currentRoundTripTime * 1000);
    }
  }
  return { sample: { at, bytesReceived, packetsReceived, packetsLost }, rttMs };
}

/** The quality between two samples; the level is the worst of what RTT and loss say. */
export function summarize(
  previous: StatsSample | null,
  current: StatsSample,
  rttMs: number | null,
  history: number[],
): Quality {
  let lossPercent: number | null = null;
  let bitrateKbps: number | null = null;
  if (previous && current.at > previous.at) {
    const received = current.packetsReceived - previous.packetsReceived;
    const lost = Math.max(0, current.packetsLost - previous.packetsLost);
    if (received + lost > 0) lossPercent = Math.round((lost / (received + lost)) * 1000) / 10;
    const seconds = (current.at - previous.at) / 1000;
    bitrateKbps = Math.max(
      0,
      Math.round(((current.bytesReceived - previous.bytesReceived) * 8) / seconds / 1000),
    );
  }
  const nextHistory = bitrateKbps === null ? history : [...history, bitrateKbps].slice(-HISTORY);
  return { level: levelOf(rttMs, lossPercent), rttMs, lossPercent, bitrateKbps, history: nextHistory };
}

/** good: RTT < 250 ms and loss < 2 %; poor: RTT ≥ 500 ms or loss ≥ 8 %; fair in between. */
export function levelOf(rttMs: number | null, lossPercent: number | null): QualityLevel {
  if (rttMs === null && lossPercent === null) return "unknown";
  const rtt = rttMs ?? 0;
  const loss = lossPercent ?? 0;
  if (rtt >= 500 || loss >= 8) return "poor";
  if (rtt >= 250 || loss >= 2) return "fair";
  return "good";
}

/** An SVG polyline `points` attribute for a sparkline of `values` in a width × height box. */
export function sparklinePoints(values: number[], width: number, height: number): string {
  if (values.length < 2) return "";
  const max = Math.max(...values, 1);
  const step = width / (values.length - 1);
  return values.map((v, i) => `${round(i * step)},${round(height - (v / max) * height)}`).join(" ");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
