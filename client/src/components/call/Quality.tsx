import type { ReadonlySignal } from "@preact/signals";
import { useState } from "preact/hooks";
import { type Quality as QualityValue, sparklinePoints } from "../../rtc/stats";

const words: Record<QualityValue["level"], string> = {
  good: "Good",
  fair: "Fair",
  poor: "Poor",
  unknown: "Measuring",
};

/** Signal bars for one connection, with a details popover (round-trip, loss, bitrate and its trend). */
export function Quality({ quality, name }: { quality: ReadonlySignal<QualityValue | null>; name: string }) {
  const [open, setOpen] = useState(false);
  const value = quality.value;
  const level = value?.level ?? "unknown";
  const bars = level === "good" ? 3 : level === "fair" ? 2 : level === "poor" ? 1 : 0;
  return (
    <div class="quality">
      <button
        type="button"
        class={`quality-button ${level}`}
        aria-label={`Connection quality with ${name}: ${words[level]}`}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => event.key === "Escape" && setOpen(false)}
      >
        <svg viewBox="0 0 12 12" width="14" height="14" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <rect
              key={i}
              x={1 + i * 4}
              y={8 - i * 3}
              width="2.6"
              height={3 + i * 3}
              rx="0.6"
              class={i < bars ? "on" : "off"}
            />
          ))}
        </svg>
      </button>
      {open && (
        <div class="quality-popover">
          <dl>
            <dt>Quality</dt>
            <dd>{words[level]}</dd>
            <dt>Round trip</dt>
            <dd>{value?.rttMs != null ? `${value.rttMs} ms` : "—"}</dd>
            <dt>Packet loss</dt>
            <dd>{value?.lossPercent != null ? `${value.lossPercent} %` : "—"}</dd>
            <dt>Receiving</dt>
            <dd>{value?.bitrateKbps != null ? `${value.bitrateKbps} kbit/s` : "—"}</dd>
          </dl>
          <svg class="sparkline" viewBox="0 0 120 28" width="120" height="28" aria-hidden="true">
            <polyline points={sparklinePoints(value?.history ?? [], 120, 26)} />
          </svg>
        </div>
      )}
    </div>
  );
}
