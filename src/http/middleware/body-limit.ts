import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

/** The largest JSON body any endpoint accepts; every real body is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Refuses bodies over `maxBytes` with 413 `payload_too_large`, before anything reads them. */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
    },
  });
}
