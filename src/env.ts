import type { DbConfig } from "./db/client";
import type { TurnConfig } from "./domain/ice-servers";
import type { RateLimiter } from "./rate-limit/RateLimiter";
import type { CallRoom, RoomEnv } from "./room/CallRoom";

/**
 * Bindings, vars and secrets of the Worker (see wrangler.toml and .dev.vars.example). The database's
 * (`DbConfig`), the room's (`RoomEnv`) and the TURN settings (`TurnConfig`) are declared where they are read.
 */
export interface Env extends DbConfig, RoomEnv, TurnConfig {
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
  JWT_SECRET: string;
}
