// Turns failures of the REST API (docs/api.md error shape) and of the network into sentences a
// person understands. Pure: no DOM, so unit tests run it in node.

/** A REST call that failed: the server's error code and message, or a network failure (status 0). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** Status 0 means the request never got an answer. */
export const NETWORK_ERROR = "network_error";

const messages: Record<string, string> = {
  network_error: "Can't reach VCME. Check your internet connection and try again.",
  unauthorized: "Please log in again.",
  forbidden: "You are not allowed to do that.",
  not_found: "That was not found. It may have been deleted.",
  conflict: "That is already taken.",
  rate_limited: "Too many attempts. Please wait a moment and try again.",
  payload_too_large: "That is too long.",
  database_unavailable: "VCME is having trouble right now. Please try again in a minute.",
  server_misconfigured: "VCME is not set up correctly right now. Please try again later.",
  internal: "Something went wrong on our side. Please try again.",
};

/** Reads an error body of the shape `{error: {code, message, details?}}`; anything else → null. */
export function parseErrorBody(
  body: unknown,
): { code: string; message: string; details?: Record<string, unknown> } | null {
  if (typeof body !== "object" || body === null || !("error" in body)) return null;
  const error: unknown = body.error;
  if (typeof error !== "object" || error === null) return null;
  const code = "code" in error && typeof error.code === "string" ? error.code : null;
  const message = "message" in error && typeof error.message === "string" ? error.message : "";
  if (!code) return null;
  const details =
    "details" in error && typeof error.details === "object" && error.details !== null
      ? (error.details as Record<string, unknown>)
      : undefined;
  return details ? { code, message, details } : { code, message };
}

/**
 * The words to show for a failure. Validation messages from the server are already written for people
 * ("email: invalid email address"), so they are shown with the field name made readable.
 */
export function describeError(error: unknown, overrides: Partial<Record<string, string>> = {}): string {
  if (error instanceof ApiRequestError) {
    const override = overrides[error.code];
    if (override) return override;
    if (error.code === "validation_failed") return readableValidation(error.message);
    if (error.code === "rate_limited") {
      const retry = error.details?.retry_after;
      if (typeof retry === "number" && retry > 0) return `Too many attempts. Please try again in ${retry} s.`;
    }
    return messages[error.code] ?? messages.internal ?? "";
  }
  return messages.internal ?? "";
}

function readableValidation(message: string): string {
  const text = message.trim();
  if (!text) return "Please check what you entered.";
  // "display_name: too long" → "Display name: too long"
  const withField = text.replace(
    /^([a-z_]+):/,
    (_, field: string) => `${capitalize(field.replaceAll("_", " "))}:`,
  );
  return capitalize(withField);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
