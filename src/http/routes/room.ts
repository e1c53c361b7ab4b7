import { Hono } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/** `GET /api/calls/:link/ws`: hands the WebSocket upgrade to the call's own CallRoom. */
export const roomSocket = new Hono<AppEnv>().get("/:link/ws", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "validation_failed", "This endpoint only accepts WebSocket upgrades.");
  }
  const stub = c.env.CALL_ROOM.getByName(c.req.param("link"));
  return stub.fetch(c.req.raw);
});
