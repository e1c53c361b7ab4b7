import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../context";

/** The configured origins that may call the API cross-origin (`CORS_ORIGINS`, comma-separated). */
export function allowedOrigins(setting: string | undefined): Set<string> {
  return new Set(
    (setting ?? "")
      .split(",")
      .map((origin) => origin.trim().replace(/\/+$/, ""))
      .filter(Boolean),
  );
}

/**
 * CORS for the configured origins only. Credentials are allowed so a same-site origin (another subdomain)
 * can use the SameSite=Lax refresh cookie; the app itself is same-origin and needs none. Any other origin
 * gets no CORS headers, so browsers block it.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    const origins = allowedOrigins(c.env.CORS_ORIGINS);
    const origin = c.req.header("Origin");
    // Same-origin and unknown callers get no CORS headers at all (and a preflight from them is a 404).
    if (!origin || !origins.has(origin)) return next();
    const handler = honoCors({
      origin: (origin) => (origins.has(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["Retry-After"],
      credentials: true,
      maxAge: 600,
    });
    return handler(c, next);
  };
}
