/** A spinner for buttons that are waiting; the words beside it are what gets announced. */
export function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}
