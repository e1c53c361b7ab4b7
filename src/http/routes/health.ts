import { sql } from "drizzle-orm";
import { Hono } from "hono";
import pkg from "../../../package.json";
import { isConnectionError } from "../../db/client";
import type { AppEnv } from "../context";

/** `GET /api/health`: the Worker is up, and whether Postgres answers a query. */
export const healthRoutes = new Hono<AppEnv>().get("/", async (c) => {
  let up = false;
  try {
    const db = await c.var.db();
    await db.execute(sql`select 1`);
    up = true;
  } catch (error) {
    if (!isConnectionError(error)) throw error;
  }
  c.header("Cache-Control", "no-store");
  return c.json({ ok: up, db: up ? "up" : "down", version: pkg.version }, up ? 200 : 503);
});
