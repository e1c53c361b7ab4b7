// A short two-tone chime for a host when someone knocks; made with Web Audio, so nothing is downloaded.

let context: AudioContext | null = null;

/** Plays the knock chime; silently does nothing where audio cannot start. */
export function playKnock(): void {
  try {
    context ??= new AudioContext();
    const now = context.currentTime;
    for (const [offset, frequency] of [
      [0, 660],
      [0.16, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.3);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.32);
    }
  } catch {
    // No audio output: the badge and the list still show the knock.
  }
}
