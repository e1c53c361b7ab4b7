import { ApiRequestError, describeError } from "../../api";
import { Alert } from "../Alert";

/** What the join page shows when the call can't be loaded: gone, never existed, or a failure. */
export function CallUnavailable({ error, embedded = false }: { error: unknown; embedded?: boolean }) {
  const missing = error instanceof ApiRequestError && error.status === 404;
  return (
    <section class="stack-sm">
      <h1>{missing ? "Call not found" : "Can't open this call"}</h1>
      <Alert kind="error">
        <p>
          {missing
            ? "There is no call at this link. It may have been deleted, or the link was not copied whole."
            : describeError(error)}
        </p>
      </Alert>
      {!embedded && (
        <p>
          <a href="/">Back home</a>
        </p>
      )}
    </section>
  );
}
