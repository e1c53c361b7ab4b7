/** A screen-sized "loading" line, announced politely. */
export function Loading({ text = "Loading…" }: { text?: string }) {
  return (
    <p class="muted" role="status">
      {text}
    </p>
  );
}
