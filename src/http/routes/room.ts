import { Hono } from "hono";
import { isLocationHint } from "../../domain/location";
import { verifyTicket } from "../../domain/tickets";
import { encodeIdentity, ROOM_IDENTITY_HEADER } from "../../room/identity";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

/**
 * `GET /api/calls/:link/ws?ticket=…`: verifies the ticket before any upgrade, then hands the socket to
 * the call's own CallRoom (placed near the host) together with the verified identity.
 */
export const roomSocketRoutes = new Hono<AppEnv>().get("/:link/ws", async (c) => {
  const link = c.req.param("link");
  const ticket = c.req.query("ticket");
  const claims = ticket ? await verifyTicket(c.env.JWT_SECRET, ticket, link) : null;
  if (!claims) {
    throw new ApiError(401, "unauthorized", "This call ticket is missing, expired or not for this call.");
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "validation_failed", "This endpoint only accepts WebSocket upgrades.");
  }
  const hint = claims.location_hint;
  const stub = c.env.CALL_ROOM.getByName(link, isLocationHint(hint) ? { locationHint: hint } : undefined);
  // A fresh request: nothing the client sent reaches the room except the upgrade itself.
  const headers = new Headers({ Upgrade: "websocket", [ROOM_IDENTITY_HEADER]: encodeIdentity(claims) });
  return stub.fetch(new Request(c.req.url, { headers }));
});
