import type { MiddlewareHandler } from "hono";
import type { Env } from "../../env";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/** Shortest `JWT_SECRET` accepted in production, in UTF-8 bytes (HS256 wants at least its 32-byte output). */
export const MIN_JWT_SECRET_BYTES = 32;

/**
 * What is wrong with the Worker's configuration, as the names of the settings at fault (never their values).
 * In production every required secret must be set and the signing secret long enough to resist a guess;
 * elsewhere (`development`, `test`, `benchmark`) only a signing secret must exist — `npm run dev` makes one.
 */
export function configProblems(env: Pick<Env, "APP_ENV" | "JWT_SECRET" | "DATABASE_URL">): string[] {
  const problems: string[] = [];
  const secret = typeof env.JWT_SECRET === "string" ? env.JWT_SECRET : "";
  if (env.APP_ENV === "production") {
    if (new TextEncoder().encode(secret).byteLength < MIN_JWT_SECRET_BYTES)
      problems.push(`JWT_SECRET (missing or shorter than ${MIN_JWT_SECRET_BYTES} bytes)`);
    if (!env.DATABASE_URL) problems.push("DATABASE_URL (missing)");
  } else if (!secret) {
    problems.push("JWT_SECRET (missing)");
  }
  return problems;
}

let reported = "";

/**
 * Refuses every request that needs the secrets while the configuration is unusable: 503
 * `server_misconfigured`, before any handler reads a body, a token or the database, so nothing is written
 * and nothing is signed with a guessable key. `/api/health` answers itself (not ok) and names the settings.
 */
export function configCheck(): MiddlewareHandler<AppEnv> {
  return async function configCheck(c, next) {
    const problems = configProblems(c.env);
    if (problems.length === 0) return next();
    const list = problems.join(", ");
    // Once per isolate and configuration, so a misconfigured deploy does not flood the log.
    if (reported !== list) {
      reported = list;
      console.error(`server misconfigured: ${list}; every request that needs them is refused`);
    }
    if (new URL(c.req.url).pathname === "/api/health") {
      c.header("Cache-Control", "no-store");
      return c.json({ ok: false, config: "misconfigured", problems }, 503);
    }
    throw new ApiError(
      503,
      "server_misconfigured",
      "This VCME server is not configured correctly, so it cannot serve this request. The operator has to fix it.",
    );
  };
}
