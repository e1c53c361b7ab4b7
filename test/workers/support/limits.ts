import { expect } from "vitest";
import { errorOf } from "./api-helpers";

/** A made-up client address, so a test has rate-limit counters of its own. */
export const freshIp = () => `198.51.100.${Math.floor(Math.random() * 254) + 1}-${crypto.randomUUID()}`;

/**
 * Checks a refusal as every rate limit answers it: 429 `rate_limited`, a `Retry-After` within the
 * window and the same figure in the body. Returns the seconds to wait.
 */
export async function expectRateLimited(response: Response, windowSeconds: number): Promise<number> {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("Retry-After"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(await errorOf(response)).toEqual({
    code: "rate_limited",
    message: expect.stringMatching(/try again/i),
    details: { retry_after: retryAfter },
  });
  return retryAfter;
}
