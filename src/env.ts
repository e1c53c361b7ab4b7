import type { CallRoom } from "./room/CallRoom";

/** Bindings, vars and secrets of the Worker (see wrangler.toml and .dev.vars.example). */
export interface Env {
  ASSETS: Fetcher;
  CALL_ROOM: DurableObjectNamespace<CallRoom>;
  /** "production" or "development". */
  APP_ENV: string;
  /** Comma-separated extra origins allowed to call the API cross-origin. */
  CORS_ORIGINS?: string;
  /** Most admitted people in one call. */
  ROOM_CAPACITY?: string;
  JWT_SECRET: string;
  DATABASE_URL?: string;
  /** Local only: `host:port` of the WebSocket→TCP bridge in front of a local Postgres. */
  DB_WS_PROXY?: string;
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  /** Tests only: where the TURN credentials API lives (defaults to Cloudflare's). */
  TURN_API_BASE?: string;
}
