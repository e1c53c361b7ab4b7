// Reconnect timing for the signaling socket. Pure: no DOM, so unit tests run it in node.

/** Options for `backoffDelay`: the first delay, the cap and the random source (tests pass their own). */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

/**
 * How long to wait before reconnect attempt `attempt` (0 = the first retry): exponential growth capped
 * at `capMs`, with "equal jitter" — half the ceiling fixed, half random — so a room full of clients that
 * lost the same server does not come back in lockstep, yet no retry happens almost instantly in a loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 10_000;
  const random = options.random ?? Math.random;
  const exponent = Math.max(0, Math.min(Math.floor(attempt), 30));
  const ceiling = Math.min(cap, base * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}
