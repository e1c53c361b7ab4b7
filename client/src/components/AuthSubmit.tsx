import { Alert } from "./Alert";
import { Spinner } from "./Spinner";

/** The end of the Log in and Sign up forms: what went wrong, the submit button, and why it takes a moment. */
export function AuthSubmit({ label, busy, error }: { label: string; busy: boolean; error: string | null }) {
  return (
    <>
      {error && <Alert kind="error">{error}</Alert>}
      <button type="submit" class="btn wide" disabled={busy}>
        {busy && <Spinner />}
        {label}
      </button>
      {busy && (
        <p class="muted small" role="status">
          Securing your password…
        </p>
      )}
    </>
  );
}
