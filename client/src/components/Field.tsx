import { useId } from "preact/hooks";

interface FieldProps {
  label: string;
  name: string;
  type?: "text" | "email" | "password" | "url" | "search";
  hint?: string;
  error?: string | null;
  autocomplete?: string;
  inputMode?: "text" | "email" | "url" | "search";
  placeholder?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  defaultValue?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}

/** A labelled input with an optional hint and error, both tied to it for screen readers. */
export function Field({ label, hint, error, type = "text", ...input }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact types <input> as a union keyed on a literal `type`; any of ours is a text-like input.
        type={type as "text"}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
