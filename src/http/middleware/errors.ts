import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isConnectionError, loggableError } from "../../db/client";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

function send(c: Context, error: ApiError): Response {
  const response = c.json(error.toBody(), error.status);
  for (const [name, value] of Object.entries(error.headers ?? {})) response.headers.set(name, value);
  return response;
}

/** One place that turns every failure into the contract's error shape; nothing internal leaks. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return send(c, error);
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413)
      return send(c, new ApiError(413, "payload_too_large", "The request body is too large."));
    if (status === 401) return send(c, new ApiError(401, "unauthorized", "Sign in to continue."));
    return send(
      c,
      new ApiError(
        status === 400 ? 400 : 500,
        status === 400 ? "validation_failed" : "internal",
        error.message,
      ),
    );
  }
  if (isConnectionError(error)) {
    return send(
      c,
      new ApiError(
        503,
        "database_unavailable",
        "The database is unavailable. Please try again shortly.",
        undefined,
        {
          "Retry-After": "5",
        },
      ),
    );
  }
  console.error("unhandled error", loggableError(error));
  return send(c, new ApiError(500, "internal", "Something went wrong on our side."));
};

/** Unknown `/api` paths get the error shape; everything else is the client app. */
export const onNotFound: NotFoundHandler<AppEnv> = (c) => {
  if (new URL(c.req.url).pathname.startsWith("/api")) {
    return send(c, new ApiError(404, "not_found", "There is no such API endpoint."));
  }
  return c.env.ASSETS.fetch(c.req.raw);
};
