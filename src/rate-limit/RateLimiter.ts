import { DurableObject } from "cloudflare:workers";

/** The answer for one attempt. */
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
    const current = this.#current(windowSeconds, now);
    const decision = decide(current, limit, windowSeconds, now);
    if (!decision.allowed) return decision;
    this.ctx.storage.kv.put(WINDOW_KEY, { start: current.start, count: current.count + 1 });
    if (current.count === 0) await this.ctx.storage.setAlarm(current.start + windowSeconds * 1000);
    return decision;
  }

  /** What `hit` would answer, without counting anything (e.g. before a login whose failures alone count). */
  peek(limit: number, windowSeconds: number, now = Date.now()): RateDecision {
    return decide(this.#current(windowSeconds, now), limit, windowSeconds, now);
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  #current(windowSeconds: number, now: number): Window {
    const stored = this.ctx.storage.kv.get<Window>(WINDOW_KEY);
    return stored && now - stored.start < windowSeconds * 1000 ? stored : { start: now, count: 0 };
  }
}

function decide(current: Window, limit: number, windowSeconds: number, now: number): RateDecision {
  const retryAfter = Math.max(1, Math.ceil((current.start + windowSeconds * 1000 - now) / 1000));
  return { allowed: current.count < limit, retryAfter };
}
