// The one way this client measures how loud a microphone track is: an analyser on the track, read as the
// RMS of its latest samples (0 = silence … 1 = full scale). The join page's level bar (models/devices.ts)
// and the call's speaking rings (speaking.ts) both read it.

export interface LevelTap {
  /** The track's loudness now, as RMS 0…1. */
  rms(): number;
  disconnect(): void;
}

export function tapLevel(context: AudioContext, track: MediaStreamTrack, fftSize: number): LevelTap {
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = fftSize;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    rms() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      return Math.sqrt(sum / samples.length);
    },
    disconnect() {
      source.disconnect();
      analyser.disconnect();
    },
  };
}

/** -60 dBFS (silence) … 0 dBFS (loudest) onto 0…1, as a level bar shows it. */
export function loudness(rms: number): number {
  return rms > 0 ? Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60)) : 0;
}
