import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";

/** The app's pages: own scripts only, media from the camera, API calls and sockets to this host only. */
export function appCsp(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    // Older browsers do not count ws(s) to the same host as 'self'.
    `connect-src 'self' wss://${host} ws://${host}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON answers are never rendered: nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Call pages stay out of search engines (client/public/_headers sets it on the ones served as assets). */
export const NO_INDEX = "noindex, nofollow";

/** A call's join page or embed page (a link to either is the capability to knock on the call). */
function isCallPage(path: string): boolean {
  return path.startsWith("/call/") || path.startsWith("/embed/") || path === "/embed";
}

/**
 * Security headers on every response the Worker makes. `/embed` is framed by the call's own origins and
 * sets its own CSP, so only the framing-neutral headers are added there. HSTS only in production, where
 * the site is served over https.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeaders(c, next) {
    await next();
    // A WebSocket upgrade carries no document; copying it would lose the socket.
    if (c.res.status === 101 || c.res.webSocket) return;
    // Responses from fetch() (e.g. static assets) have immutable headers; copy before changing them.
    let response = c.res;
    try {
      response.headers.set("X-Content-Type-Options", "nosniff");
    } catch {
      response = new Response(response.body, response);
      response.headers.set("X-Content-Type-Options", "nosniff");
      // Hono copies the old response's headers onto a new one; clearing it first keeps ours.
      c.res = undefined;
      c.res = response;
    }
    const headers = response.headers;
    headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set(
      "Permissions-Policy",
      "camera=(self), microphone=(self), display-capture=(self), geolocation=()",
    );
    const url = new URL(c.req.url);
    const path = url.pathname;
    const isApi = path === "/api" || path.startsWith("/api/");
    if (isApi) {
      headers.set("Content-Security-Policy", API_CSP);
      if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
    }
    if (!(path === "/embed" || path.startsWith("/embed/"))) {
      headers.set("X-Frame-Options", "DENY");
      // Replaces the host-agnostic CSP of client/public/_headers that asset responses carry.
      if (!isApi) headers.set("Content-Security-Policy", appCsp(url.host));
    }
    if (isCallPage(path)) headers.set("X-Robots-Tag", NO_INDEX);
    if (c.env.APP_ENV === "production") {
      headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
  };
}
