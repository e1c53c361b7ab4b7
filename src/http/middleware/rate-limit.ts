import type { Context } from "hono";
import { sha256Hex } from "../../domain/secrets";
import type { Env } from "../../env";
import type { RateDecision } from "../../rate-limit/RateLimiter";
import { ApiError } from "../errors";

/**
 * The limited actions; `_ip` rules count per client address, `_account` rules per email or user (for
 * `ice_servers_account` also per guest ticket), `login_account_ip` per email and address together.
 */
export type RateRule =
  | "signup_ip"
  | "login_ip"
  | "login_account_ip"
  | "refresh_ip"
  | "ticket_ip"
  | "ticket_account"
  | "ice_servers_ip"
  | "ice_servers_account"
  | "calls_account";

interface Limit {
  limit: number;
  windowSeconds: number;
}

/** Production limits; `RATE_LIMITS` ("rule=limit/seconds,…") overrides any of them. */
const DEFAULT_LIMITS: Record<RateRule, Limit> = {
  signup_ip: { limit: 10, windowSeconds: 3600 },
  login_ip: { limit: 30, windowSeconds: 300 },
  login_account_ip: { limit: 10, windowSeconds: 300 },
  refresh_ip: { limit: 60, windowSeconds: 60 },
  ticket_ip: { limit: 60, windowSeconds: 60 },
  ticket_account: { limit: 30, windowSeconds: 60 },
  ice_servers_ip: { limit: 60, windowSeconds: 60 },
  ice_servers_account: { limit: 30, windowSeconds: 60 },
  calls_account: { limit: 60, windowSeconds: 3600 },
};

const isRule = (name: string): name is RateRule => Object.hasOwn(DEFAULT_LIMITS, name);

/**
 * The limits in force: the defaults, each multiplied by `RATE_LIMIT_SCALE` (e.g. "100" for browser test
 * runs that sign up many people from one address), then `RATE_LIMITS` overrides. Malformed settings are
 * ignored.
 */
export function rateLimits(overrides: string | undefined, scale?: string): Record<RateRule, Limit> {
  const factor = Number(scale);
  const multiplier = Number.isFinite(factor) && factor > 0 ? factor : 1;
  const limits = { ...DEFAULT_LIMITS };
  for (const rule of Object.keys(limits) as RateRule[]) {
    limits[rule] = { ...limits[rule], limit: Math.max(1, Math.round(limits[rule].limit * multiplier)) };
  }
  for (const entry of (overrides ?? "").split(",")) {
    const match = /^\s*([a-z_]+)\s*=\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(entry);
    if (!match?.[1] || !isRule(match[1])) continue;
    const limit = Number(match[2]);
    const windowSeconds = Number(match[3]);
    if (limit >= 1 && windowSeconds >= 1) limits[match[1]] = { limit, windowSeconds };
  }
  return limits;
}

/** The caller's address as Cloudflare's edge reports it; absent only in local runs. */
export function clientIp(c: Context): string | undefined {
  return c.req.header("CF-Connecting-IP") ?? undefined;
}

/**
 * The subject of `login_account_ip`: one account at one address, so failures from elsewhere never refuse
 * this address. Undefined without an address (local runs), like the per-IP rules.
 */
export function accountAtAddress(email: string, ip: string | undefined): string | undefined {
  return ip === undefined ? undefined : `${email}\n${ip}`;
}

/** The limiter's answer for `subject` under `rule`; null when not limited or the limiter failed. */
async function decide(
  env: Env,
  rule: RateRule,
  subject: string | undefined,
  count: boolean,
): Promise<RateDecision | null> {
  if (!subject) return null;
  const { limit, windowSeconds } = rateLimits(env.RATE_LIMITS, env.RATE_LIMIT_SCALE)[rule];
  // Hashed so the object's name carries no address or email.
  const name = `${rule}:${await sha256Hex(subject.toLowerCase())}`;
  try {
    const limiter = env.RATE_LIMITER.getByName(name);
    return count ? await limiter.hit(limit, windowSeconds) : await limiter.peek(limit, windowSeconds);
  } catch (error) {
    // An outage must not lock everyone out.
    console.error("rate limiter unavailable", error instanceof Error ? error.message : String(error));
    return null;
  }
}

/**
 * Throws 429 `rate_limited` with `Retry-After` once `subject` has used up `rule`, and counts this attempt
 * unless `count` is false (a check only). A limiter failure lets the request through.
 */
export async function enforceRateLimit(
  env: Env,
  rule: RateRule,
  subject: string | undefined,
  { count = true } = {},
): Promise<void> {
  const decision = await decide(env, rule, subject, count);
  if (decision && !decision.allowed) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many attempts. Try again in ${decision.retryAfter} seconds.`,
      { retry_after: decision.retryAfter },
      { "Retry-After": String(decision.retryAfter) },
    );
  }
}

/** Counts one attempt (e.g. a failed login) without refusing anything: the next check sees it. */
export async function countAttempt(env: Env, rule: RateRule, subject: string | undefined): Promise<void> {
  await decide(env, rule, subject, true);
}
