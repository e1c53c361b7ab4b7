import { useEffect } from "preact/hooks";

/** Any path the app does not know. */
export function NotFound() {
  useEffect(() => {
    document.title = "Page not found · VCME";
  }, []);
  return (
    <section class="stack-sm">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. If someone sent you a call link, check that it was copied whole.
      </p>
      <p>
        <a href="/">Back home</a>
      </p>
    </section>
  );
}
