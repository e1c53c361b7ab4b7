import type { ComponentChildren } from "preact";

interface AlertProps {
  kind?: "error" | "warning" | "info" | "success";
  children: ComponentChildren;
}

/** A message in words: errors and warnings interrupt a screen reader (alert), the rest wait (status). */
export function Alert({ kind = "info", children }: AlertProps) {
  const role = kind === "error" || kind === "warning" ? "alert" : "status";
  return (
    <div class={`alert ${kind}`} role={role}>
      {children}
    </div>
  );
}
