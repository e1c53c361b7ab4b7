import * as z from "zod";

/** The error codes of the wire contract (docs/api.md). */
export const errorCodeSchema = z.enum([
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "rate_limited",
  "payload_too_large",
  "database_unavailable",
  "server_misconfigured",
  "internal",
]);

/** Every REST error: `{error: {code, message, details?}}`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type ApiErrorCode = z.infer<typeof errorCodeSchema>;
export type ApiErrorBody = z.infer<typeof errorBodySchema>;
