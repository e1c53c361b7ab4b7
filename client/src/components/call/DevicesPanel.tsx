import { useEffect, useState } from "preact/hooks";

interface DevicesPanelProps {
  audioTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  onDevice(kind: "audio" | "video", deviceId: string): void;
  onFlip(): void;
  onClose(): void;
}

/** Pick another microphone or camera mid-call; flip between front and back camera (or to the next one). */
export function DevicesPanel({ audioTrack, cameraTrack, onDevice, onFlip, onClose }: DevicesPanelProps) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const load = () =>
      navigator.mediaDevices
        ?.enumerateDevices()
        .then(setDevices)
        .catch(() => setDevices([]));
    void load();
    navigator.mediaDevices?.addEventListener("devicechange", load);
    return () => navigator.mediaDevices?.removeEventListener("devicechange", load);
  }, []);
  const microphones = devices.filter((d) => d.kind === "audioinput" && d.deviceId);
  const cameras = devices.filter((d) => d.kind === "videoinput" && d.deviceId);
  const currentMic = audioTrack?.getSettings().deviceId ?? "";
  const currentCamera = cameraTrack?.getSettings().deviceId ?? "";
  return (
    <section class="side-panel" aria-labelledby="devices-heading">
      <header class="side-head">
        <h2 id="devices-heading">Devices</h2>
        <button type="button" class="btn ghost small" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <div class="stack">
        <div class="field">
          <label for="device-mic">Microphone device</label>
          <select
            id="device-mic"
            value={currentMic}
            onChange={(e) => onDevice("audio", e.currentTarget.value)}
          >
            {microphones.length === 0 && <option value="">No microphone found</option>}
            {microphones.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="device-camera">Camera device</label>
          <select
            id="device-camera"
            value={currentCamera}
            onChange={(e) => onDevice("video", e.currentTarget.value)}
          >
            {cameras.length === 0 && <option value="">No camera found</option>}
            {cameras.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </div>
        {cameras.length > 1 && (
          <button type="button" class="btn secondary" onClick={onFlip}>
            Flip camera
          </button>
        )}
      </div>
    </section>
  );
}
