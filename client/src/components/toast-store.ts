import { signal } from "@preact/signals";

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
}

/** Short-lived notices ("Link copied"), shown by <Toasts/> in a polite live region. */
export const toasts = signal<Toast[]>([]);
let nextId = 1;

/** Shows a notice for a few seconds. */
export function toast(text: string, kind: Toast["kind"] = "info", ms = 3500): void {
  const id = nextId++;
  toasts.value = [...toasts.value, { id, text, kind }];
  setTimeout(() => {
    toasts.value = toasts.value.filter((item) => item.id !== id);
  }, ms);
}
