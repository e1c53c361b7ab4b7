import { type Context, Hono } from "hono";
import { isConnectionError, withDb } from "../../db/client";
import { embedOriginsOf } from "../../domain/calls";
import { EMBED_SCRIPT, EMBED_SCRIPT_ETAG } from "../../embed/script.generated";
import { linkSchema } from "../../protocol/rest";
import type { AppEnv } from "../context";
import { appCsp } from "../middleware/security-headers";

/** The name of the meta tag that tells the call page which host page origins the call allows. */
export const EMBED_ORIGINS_META = "vcme-embed-origins";

/** The app's page CSP with `frame-ancestors` set to these origins (none: `'none'`, unframeable). */
export function embedCsp(host: string, origins: readonly string[]): string {
  const ancestors = origins.length > 0 ? origins.join(" ") : "'none'";
  return appCsp(host)
    .split("; ")
    .map((directive) =>
      directive.startsWith("frame-ancestors ") ? `frame-ancestors ${ancestors}` : directive,
    )
    .join("; ");
}

/**
 * The origins allowed to frame the call at `link` (`embedOriginsOf`), uncached so a host's change applies
 * on the next load. A malformed link and an unreachable database also give no origins: the page then fails
 * closed (unframeable).
 */
async function allowedOrigins(env: AppEnv["Bindings"], link: string | undefined): Promise<string[]> {
  const parsedLink = linkSchema.safeParse(link);
  if (!parsedLink.success) return [];
  try {
    return await withDb(env, (db) => embedOriginsOf(db, parsedLink.data));
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    console.warn("embed: database unavailable, serving the page unframeable");
    return [];
  }
}

/** The built client's index.html, whatever path the embed page was asked under. */
async function indexHtml(env: AppEnv["Bindings"], url: string): Promise<Response> {
  return env.ASSETS.fetch(new Request(new URL("/", url), { headers: { accept: "text/html" } }));
}

const SCRIPT_CACHE = {
  // The versioned URL changes only compatibly; the alias may move to a new version sooner.
  versioned: "public, max-age=86400, stale-while-revalidate=604800",
  alias: "public, max-age=3600, stale-while-revalidate=86400",
};

function script(c: Context<AppEnv>, cache: string): Response {
  const headers = new Headers({
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": cache,
    ETag: EMBED_SCRIPT_ETAG,
    // Any site may load it, including pages that require CORP (cross-origin isolated) or use crossorigin.
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
  });
  const match = c.req.header("if-none-match");
  if (match?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === EMBED_SCRIPT_ETAG)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(EMBED_SCRIPT, { headers });
}

/**
 * `/embed.js`, `/embed/v1.js` (the script host pages load) and `/embed/:link` (the call page for an iframe,
 * framable only by the call's `embed_origins`). Any other `/embed…` page is served unframeable.
 */
export const embedRoutes = new Hono<AppEnv>()
  .get("/embed.js", (c) => script(c, SCRIPT_CACHE.alias))
  .get("/embed/v1.js", (c) => script(c, SCRIPT_CACHE.versioned))
  .get("/embed/:link", async (c) => {
    const origins = await allowedOrigins(c.env, c.req.param("link"));
    const page = await indexHtml(c.env, c.req.url);
    const html = new HTMLRewriter()
      .on("head", {
        element(head) {
          // Read by client/src/embed/bridge.ts: commands are taken only from one of these origins.
          head.append(`<meta name="${EMBED_ORIGINS_META}" content="${origins.join(" ")}">`, { html: true });
        },
      })
      .transform(page);
    const response = new Response(html.body, html);
    response.headers.set("Content-Security-Policy", embedCsp(new URL(c.req.url).host, origins));
    response.headers.delete("X-Frame-Options");
    // Each load asks again, so a host's change to the allowed sites applies on the next load.
    response.headers.set("Cache-Control", "no-store");
    response.headers.delete("ETag");
    return response;
  })
  .get("/embed/*", notAnEmbed)
  .get("/embed", notAnEmbed);

/** An `/embed…` path that is not a call: the app's not-found screen, unframeable. */
async function notAnEmbed(c: Context<AppEnv>): Promise<Response> {
  const response = new Response((await indexHtml(c.env, c.req.url)).body, { status: 404 });
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Content-Security-Policy", embedCsp(new URL(c.req.url).host, []));
  response.headers.set("Cache-Control", "no-store");
  return response;
}
