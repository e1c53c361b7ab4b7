import type { Context } from "hono";
import type { z } from "zod";
import { ApiError, validationError } from "../errors";

/**
 * Parses a JSON body against `schema`: 400 `validation_failed` for malformed JSON, 422 for a schema
 * failure. With `emptyAs`, an empty body stands for that value (e.g. `{}` for an optional body).
 */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  emptyAs?: unknown,
): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = emptyAs;
  // HTML forms cannot send application/json cross-site without a CORS preflight; requiring it stops
  // login CSRF and other form-based tricks against the cookie endpoints.
  const type = c.req.header("Content-Type") ?? "";
  if (text.trim() !== "" && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(400, "validation_failed", "body: send JSON with Content-Type: application/json");
  }
  if (text.trim() !== "" || emptyAs === undefined) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError(400, "validation_failed", "body: the request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** Parses the query string against `schema` (422 `validation_failed` when it does not fit). */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** Validates a path parameter (404 `not_found` when it cannot name anything). */
export function paramOf<S extends z.ZodType>(
  value: string | undefined,
  schema: S,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(404, "not_found", `There is no such ${what}.`);
  return parsed.data;
}
