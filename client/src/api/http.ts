import { ApiRequestError, NETWORK_ERROR, parseErrorBody } from "./errors";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** One REST request: the path under the API origin, an optional JSON body and bearer token. */
export interface ApiRequest {
  method: Method;
  path: string;
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

/** Sends one request and resolves with the parsed JSON answer (undefined for 204). */
export type Send = <T>(request: ApiRequest) => Promise<T>;

/** The slice of `fetch` the client needs; tests pass their own. */
export type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Builds the transport: JSON in and out, same-origin cookies (fetch's default) carry the refresh token,
 * and every failure turned into an ApiRequestError so screens have one thing to describe.
 */
export function createSend(fetcher: Fetcher, baseUrl = ""): Send {
  return async <T>(request: ApiRequest): Promise<T> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let response: Response;
    try {
      response = await fetcher(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: request.signal,
      });
    } catch (cause) {
      if (isAbort(cause)) throw cause;
      throw new ApiRequestError(0, NETWORK_ERROR, "network request failed");
    }
    if (response.status === 204) return undefined as T;
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = parseErrorBody(body);
      throw new ApiRequestError(
        response.status,
        parsed?.code ?? (response.status >= 500 ? "internal" : "invalid_response"),
        parsed?.message ?? response.statusText,
        parsed?.details,
      );
    }
    if (body === null) throw new ApiRequestError(response.status, "internal", "the answer was not JSON");
    // The Worker validates what it sends with the shared schemas; the client trusts its own origin.
    return body as T;
  };
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && "name" in error && error.name === "AbortError";
}
