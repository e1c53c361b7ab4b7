import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { ApiErrorCode } from "../protocol/errors";

/** The error codes of the wire contract (one list: `errorCodeSchema` in src/protocol/errors.ts). */
export type ErrorCode = ApiErrorCode;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** An error that becomes the contract's error shape with a fitting status. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/** Turns a zod failure into a readable `validation_failed` error ("email: invalid email address"). */
export function validationError(error: z.ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    fields[key] ??= issue.message;
  }
  const message = Object.entries(fields)
    .map(([field, text]) => `${field}: ${text}`)
    .join("; ");
  return new ApiError(422, "validation_failed", message, { fields });
}
