import { toasts } from "./toast-store";

/** The live region every toast lands in; it exists from the start so screen readers announce additions. */
export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((item) => (
        <div key={item.id} class={`toast ${item.kind}`}>
          {item.text}
        </div>
      ))}
    </div>
  );
}
