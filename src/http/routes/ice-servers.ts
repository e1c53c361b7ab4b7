import { Hono } from "hono";
import { verifyUserOrTicket } from "../../domain/access-tokens";
import { iceServersFor } from "../../domain/ice-servers";
import type { AppEnv } from "../context";
import { bearerToken, unauthorized } from "../middleware/auth";

/** `GET /api/ice-servers`: STUN/TURN servers for a signed-in user or the holder of a call ticket. */
export const iceServersRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const token = bearerToken(c);
  const identity = token ? await verifyUserOrTicket(c.env.JWT_SECRET, token) : null;
  if (!identity) throw unauthorized("Send an access token or a call ticket as the bearer token.");
  return c.json(await iceServersFor(c.env));
});
