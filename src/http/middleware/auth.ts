import type { Context, MiddlewareHandler } from "hono";
import { type AccessClaims, verifyAccessToken } from "../../domain/access-tokens";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/** Routes behind `requireUser()` can read the verified access-token claims from `c.var.user`. */
export interface UserEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { user: AccessClaims };
}

/** The token of an `Authorization: Bearer …` header; undefined when there is no such header. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header("Authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? "";
}

/** 401 with the header that tells an API client to present a bearer token. */
export function unauthorized(message = "Sign in to continue."): ApiError {
  return new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer realm="vcme"' });
}

/** The verified user of a request's access token; undefined without one, 401 when it is not valid. */
export async function optionalUser<E extends AppEnv>(c: Context<E>): Promise<AccessClaims | undefined> {
  const token = bearerToken(c);
  if (token === undefined) return undefined;
  const claims = token ? await verifyAccessToken(c.env.JWT_SECRET, token) : null;
  if (!claims) throw unauthorized("The access token is missing, expired or invalid.");
  return claims;
}

/** Lets only requests with a valid access token through and exposes its claims as `c.var.user`. */
export function requireUser(): MiddlewareHandler<UserEnv> {
  return async function requireUser(c, next) {
    const claims = await optionalUser(c);
    if (!claims) throw unauthorized();
    c.set("user", claims);
    await next();
  };
}
