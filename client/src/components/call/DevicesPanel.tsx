import { useEffect, useState } from "preact/hooks";
import { deviceOptions } from "../../models/devices";
import { DevicePicker } from "../join/DevicePicker";
import { SidePanel } from "./SidePanel";

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
  const microphones = deviceOptions(devices, "audioinput");
  const cameras = deviceOptions(devices, "videoinput");
  return (
    <SidePanel id="devices" heading="Devices" onClose={onClose}>
      <div class="stack">
        {microphones.length + cameras.length === 0 && <p>No camera or microphone found.</p>}
        <DevicePicker
          label="Microphone device"
          options={microphones}
          value={audioTrack?.getSettings().deviceId}
          onPick={(id) => onDevice("audio", id)}
        />
        <DevicePicker
          label="Camera device"
          options={cameras}
          value={cameraTrack?.getSettings().deviceId}
          onPick={(id) => onDevice("video", id)}
        />
        {cameras.length > 1 && (
          <button type="button" class="btn secondary" onClick={onFlip}>
            Flip camera
          </button>
        )}
      </div>
    </SidePanel>
  );
}
