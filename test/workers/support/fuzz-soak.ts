import { env } from "cloudflare:workers";

/** True when the resilience suites run under `npm run test:soak` (bigger counts, longer runs). */
export function soak(): boolean {
  return env.VCME_SOAK === "1" || env.VCME_SOAK === "true";
}

/** `ci` normally, `long` under `npm run test:soak`. */
export function scaled(ci: number, long: number): number {
  return soak() ? long : ci;
}
