import { useId } from "preact/hooks";
import type { DeviceOption } from "../../models/devices";

interface DevicePickerProps {
  label: string;
  options: DeviceOption[];
  value: string | undefined;
  onPick: (id: string) => void;
  disabled?: boolean;
}

/** A labelled select of cameras or microphones; hidden until the browser lists any. */
export function DevicePicker({ label, options, value, onPick, disabled }: DevicePickerProps) {
  const id = useId();
  if (options.length === 0) return null;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value ?? options[0]?.id}
        disabled={disabled}
        onChange={(event) => onPick(event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
