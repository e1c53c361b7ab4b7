import type { MiddlewareHandler } from "hono";
import { type OpenDb, openDb } from "../../db/client";
import type { AppEnv } from "../context";

/**
 * Gives each request a lazily opened Postgres connection (`c.var.db()`), closed after the response with
 * `waitUntil` so closing never delays the answer.
 */
export function database(): MiddlewareHandler<AppEnv> {
  return async function database(c, next) {
    let opened: Promise<OpenDb> | undefined;
    c.set("db", async () => {
      opened ??= openDb(c.env);
      return (await opened).db;
    });
    try {
      await next();
    } finally {
      if (opened) c.executionCtx.waitUntil(opened.then((o) => o.close()).catch(() => {}));
    }
  };
}
