import { exports } from "cloudflare:workers";
import type * as z from "zod";
import { type ApiErrorBody, errorBodySchema } from "../../../src/protocol/errors";
import { type AuthResult, authResultSchema, type Call, callResultSchema } from "../../../src/protocol/rest";

export const ORIGIN = "https://vcme.test";

/**
 * Opens the first database connection of a test file: on a busy machine it can take seconds, which
 * belongs to no single test (use as `beforeAll(warmUp, 30_000)`).
 */
export async function warmUp(): Promise<void> {
  await exports.default.fetch(new Request(`${ORIGIN}/api/health`));
}

/** Sends a request to the Worker as a browser would. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export interface JsonOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

/** A JSON request (the body is sent as given when it is a string, so tests can send broken JSON). */
export function send(method: string, path: string, body?: unknown, options: JsonOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.Cookie = options.cookie;
  return call(path, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
}

/** The `{error}` body of a failed answer, checked against the contract's error schema. */
export async function errorOf(response: Response) {
  const body = await response.json();
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) throw new Error(`not the contract's error shape: ${JSON.stringify(body)}`);
  return (body as ApiErrorBody).error;
}

/**
 * The body of an answer, checked against the contract's response schema (src/protocol/rest.ts) so the
 * server and its schemas cannot drift apart; returned as sent, so assertions still see every field.
 */
export async function bodyOf<S extends z.ZodType>(response: Response, schema: S): Promise<z.infer<S>> {
  const body: unknown = await response.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`not the contract's shape (${parsed.error.message}): ${JSON.stringify(body)}`);
  }
  return body as z.infer<S>;
}

/** A fresh, unique email so tests never share rows. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${crypto.randomUUID()}@example.test`;
}

/** A random stand-in for the client-stretched password value (64 hex characters). */
export function clientPassword(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** The `vcme_refresh=…` pair of a response's Set-Cookie, ready to send back as a Cookie header. */
export function refreshCookie(response: Response): string {
  const cookie = response.headers.getAll("Set-Cookie").find((c: string) => c.startsWith("vcme_refresh="));
  if (!cookie) throw new Error("no refresh cookie was set");
  return cookie.split(";")[0] ?? "";
}

export interface TestUser {
  user: AuthResult["user"];
  token: string;
  cookie: string;
  email: string;
  password: string;
}

/** Signs up a new person and returns what a client would keep. */
export async function signUp(name = "Test Person"): Promise<TestUser> {
  const email = uniqueEmail();
  const password = clientPassword();
  const response = await send("POST", "/api/auth/signup", { name, email, password });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = await bodyOf(response, authResultSchema);
  return { user: body.user, token: body.access_token, cookie: refreshCookie(response), email, password };
}

/** Creates a call hosted by `host`. */
export async function createCall(host: TestUser, body: Record<string, unknown> = {}): Promise<Call> {
  const response = await send("POST", "/api/calls", { title: "Team sync", ...body }, { token: host.token });
  if (response.status !== 201)
    throw new Error(`create call failed: ${response.status} ${await response.text()}`);
  return (await bodyOf(response, callResultSchema)).call;
}
