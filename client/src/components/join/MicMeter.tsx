import type { ReadonlySignal } from "@preact/signals";

/** A bar that follows the microphone's loudness, so people see they are heard before joining. */
export function MicMeter({ level, on }: { level: ReadonlySignal<number>; on: boolean }) {
  const value = on ? level.value : 0;
  return (
    <div class="stack-sm">
      <span class="small muted" id="mic-level-label">
        {on ? "Microphone level — say something" : "Microphone is off"}
      </span>
      <meter
        class="level"
        aria-labelledby="mic-level-label"
        min={0}
        max={1}
        low={0.05}
        high={0.9}
        optimum={0.5}
        value={value}
      />
    </div>
  );
}
