/** Any path the app does not know. */
export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <a href="/">Back home</a>
      </p>
    </section>
  );
}
