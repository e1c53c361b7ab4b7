import type { Db } from "../db/client";
import type { Env } from "../env";

/** Typed context variables set by the middleware. */
export interface AppVariables {
  /** Opens (once per request) and returns this request's database connection. */
  db: () => Promise<Db>;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
