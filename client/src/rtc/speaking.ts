// Who is speaking: one shared AudioContext, a level tap (level-meter.ts) per stream, polled a few times a
// second.
// Remote audio in Chrome only reaches Web Audio while a media element plays it, which the tiles do.
import { type Signal, signal } from "@preact/signals";
import { type LevelTap, tapLevel } from "./level-meter";

/** RMS level above which a voice counts as speaking; held briefly so the ring does not flicker. */
const THRESHOLD = 0.02;
const HOLD_MS = 600;
const POLL_MS = 150;

interface Watched {
  tap: LevelTap;
  speaking: Signal<boolean>;
  lastLoud: number;
  trackId: string;
}

export class SpeakingDetector {
  #context: AudioContext | null = null;
  readonly #watched = new Map<string, Watched>();
  #timer: ReturnType<typeof setInterval> | null = null;

  /** The speaking signal of `key`, following `stream`'s current audio track. */
  watch(key: string, stream: MediaStream): Signal<boolean> {
    const track = stream.getAudioTracks()[0];
    const existing = this.#watched.get(key);
    if (existing && existing.trackId === (track?.id ?? "")) return existing.speaking;
    const speaking = existing?.speaking ?? signal(false);
    if (existing) this.#disconnect(existing);
    this.#watched.delete(key);
    if (!track || typeof AudioContext === "undefined") return speaking;
    try {
      this.#context ??= new AudioContext();
      this.#watched.set(key, {
        tap: tapLevel(this.#context, track, 512),
        speaking,
        lastLoud: 0,
        trackId: track.id,
      });
      this.#timer ??= setInterval(() => this.#poll(), POLL_MS);
    } catch {
      // No Web Audio (or too many contexts): the call works without speaking rings.
    }
    return speaking;
  }

  unwatch(key: string): void {
    const watched = this.#watched.get(key);
    if (!watched) return;
    this.#disconnect(watched);
    this.#watched.delete(key);
  }

  /** The first user gesture lets a suspended context run. */
  resume(): void {
    void this.#context?.resume().catch(() => undefined);
  }

  close(): void {
    for (const watched of this.#watched.values()) this.#disconnect(watched);
    this.#watched.clear();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
  }

  #poll(): void {
    const now = performance.now();
    if (this.#context?.state === "suspended") this.resume();
    for (const watched of this.#watched.values()) {
      if (watched.tap.rms() > THRESHOLD) watched.lastLoud = now;
      const speaking = now - watched.lastLoud < HOLD_MS;
      if (watched.speaking.peek() !== speaking) watched.speaking.value = speaking;
    }
  }

  #disconnect(watched: Watched): void {
    watched.tap.disconnect();
    watched.speaking.value = false;
  }
}
