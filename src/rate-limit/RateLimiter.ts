import { DurableObject } from "cloudflare:workers";

/** The answer of one counted attempt. */
export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (only meaningful when refused). */
  retryAfter: number;
}

interface Window {
  start: number;
  count: number;
}

const WINDOW_KEY = "window";

/**
 * One fixed-window counter per key (one object per IP or account and rule). The count is kept in the
 * object's storage so an eviction does not reset it; an alarm clears it once the window is over, so idle
 * limiters keep nothing stored.
 */
export class RateLimiter extends DurableObject {
  /** Counts one attempt against `limit` per `windowSeconds`. */
  async hit(limit: number, windowSeconds: number, now = Date.now()): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const stored = this.ctx.storage.kv.get<Window>(WINDOW_KEY);
    const current = stored && now - stored.start < windowMs ? stored : { start: now, count: 0 };
    const retryAfter = Math.max(1, Math.ceil((current.start + windowMs - now) / 1000));
    if (current.count >= limit) return { allowed: false, retryAfter };
    this.ctx.storage.kv.put(WINDOW_KEY, { start: current.start, count: current.count + 1 });
    if (current.count === 0) await this.ctx.storage.setAlarm(current.start + windowMs);
    return { allowed: true, retryAfter };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
