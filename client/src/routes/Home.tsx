/** Home screen. */
export function Home() {
  return (
    <section>
      <h1>Video Call Made Easy</h1>
      <p>Start a call, share the link, talk.</p>
    </section>
  );
}
