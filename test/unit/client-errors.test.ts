import { describe, expect, it } from "vitest";
import { ApiRequestError, describeError, parseErrorBody } from "../../client/src/api/errors";
import { createSend } from "../../client/src/api/http";

function answer(status: number, body?: unknown): () => Promise<Response> {
  return async () =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
}

describe("turning API failures into words", () => {
  it("reads the error shape of docs/api.md and keeps code, message and details", () => {
    expect(
      parseErrorBody({ error: { code: "rate_limited", message: "slow down", details: { retry_after: 3 } } }),
    ).toEqual({
      code: "rate_limited",
      message: "slow down",
      details: { retry_after: 3 },
    });
    expect(parseErrorBody({ nope: true })).toBeNull();
    expect(parseErrorBody("text")).toBeNull();
  });

  it("shows validation messages with a readable field name", () => {
    const error = new ApiRequestError(422, "validation_failed", "display_name: must not be empty");
    expect(describeError(error)).toBe("Display name: must not be empty");
  });

  it("says when to retry after a rate limit", () => {
    const error = new ApiRequestError(429, "rate_limited", "too many", { retry_after: 12 });
    expect(describeError(error)).toBe("Too many attempts. Please try again in 12 s.");
  });

  it("explains an outage and a lost connection without technical words", () => {
    expect(describeError(new ApiRequestError(503, "database_unavailable", "db down"))).toMatch(
      /trouble right now/,
    );
    expect(describeError(new ApiRequestError(0, "network_error", "failed"))).toMatch(/internet connection/);
    expect(describeError(new TypeError("x is undefined"))).toBe(
      "Something went wrong on our side. Please try again.",
    );
  });

  it("lets a screen say it in its own words", () => {
    const error = new ApiRequestError(401, "unauthorized", "bad pair");
    expect(describeError(error, { unauthorized: "That email and password don't match an account." })).toBe(
      "That email and password don't match an account.",
    );
  });

  it("turns an error answer into an ApiRequestError with the server's code", async () => {
    const send = createSend(answer(409, { error: { code: "conflict", message: "email taken" } }));
    await expect(send({ method: "POST", path: "/api/auth/signup", body: {} })).rejects.toMatchObject({
      status: 409,
      code: "conflict",
      message: "email taken",
    });
  });

  it("turns an answer without the error shape (e.g. a proxy's HTML page) into a generic failure", async () => {
    const send = createSend(async () => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(send({ method: "GET", path: "/api/me" })).rejects.toMatchObject({
      status: 502,
      code: "internal",
    });
  });

  it("turns a failed connection into network_error", async () => {
    const send = createSend(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(send({ method: "GET", path: "/api/me" })).rejects.toMatchObject({
      status: 0,
      code: "network_error",
    });
  });

  it("sends JSON with the bearer token and resolves 204 as nothing", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const send = createSend(async (url, init) => {
      seen.push({ url, init });
      return new Response(null, { status: 204 });
    });
    await expect(
      send({ method: "POST", path: "/api/me/password", body: { a: 1 }, token: "tok" }),
    ).resolves.toBeUndefined();
    expect(seen[0]?.url).toBe("/api/me/password");
    expect(seen[0]?.init.body).toBe('{"a":1}');
    expect(seen[0]?.init.headers).toMatchObject({
      authorization: "Bearer tok",
      "content-type": "application/json",
    });
  });
});
