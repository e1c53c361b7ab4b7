import type { RateLimiter } from "./rate-limit/RateLimiter";
import type { CallRoom } from "./room/CallRoom";

/** Bindings, vars and secrets of the Worker (see wrangler.toml and .dev.vars.example). */
export interface Env {
  ASSETS: Fetcher;
  CALL_ROOM: DurableObjectNamespace<CallRoom>;
  /** Fixed-window counters behind the auth and ticket rate limits. */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Overrides of the rate limits, "rule=limit/seconds,…" (see src/http/middleware/rate-limit.ts). */
  RATE_LIMITS?: string;
  /** Multiplies every rate limit (tests and load runs from one address); overrides still win. */
  RATE_LIMIT_SCALE?: string;
  /** "production" or "development". */
  APP_ENV: string;
  /** Comma-separated extra origins allowed to call the API cross-origin. */
  CORS_ORIGINS?: string;
  /** Most admitted people in one call. */
  ROOM_CAPACITY?: string;
  /** Per-socket frames per second in a room; unset: the contract's 50. "off" only for benchmarks. */
  ROOM_RATE_LIMIT?: string;
  JWT_SECRET: string;
  DATABASE_URL?: string;
  /** Local only: `host:port` of the WebSocket→TCP bridge in front of a local Postgres. */
  DB_WS_PROXY?: string;
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  /** Tests only: where the TURN credentials API lives (defaults to Cloudflare's). */
  TURN_API_BASE?: string;
  /** A TURN server of your own (coturn `use-auth-secret`): its shared secret. Wins over TURN_KEY_ID. */
  TURN_SHARED_SECRET?: string;
  /** Comma-separated `turn:`/`turns:` URLs of that server. */
  TURN_URLS?: string;
  /** Lifetime in seconds of the credentials minted with TURN_SHARED_SECRET (default 8 hours, min 60). */
  TURN_TTL_SECONDS?: string;
  /** Comma-separated `stun:` URLs replacing Cloudflare's public STUN server. */
  STUN_URLS?: string;
}
