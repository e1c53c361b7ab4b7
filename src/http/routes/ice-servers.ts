import { Hono } from "hono";
import { verifyUserOrTicket } from "../../domain/access-tokens";
import { iceServersFor } from "../../domain/ice-servers";
import type { AppEnv } from "../context";
import { bearerToken, unauthorized } from "../middleware/auth";
import { clientIp, enforceRateLimit } from "../middleware/rate-limit";

/** `GET /api/ice-servers`: STUN/TURN servers for a signed-in user or the holder of a call ticket. */
export const iceServersRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const token = bearerToken(c);
  const identity = token ? await verifyUserOrTicket(c.env.JWT_SECRET, token) : null;
  if (!identity) throw unauthorized("Send an access token or a call ticket as the bearer token.");
  // Where TURN is configured, every answer mints fresh relay credentials.
  await enforceRateLimit(c.env, "ice_servers_ip", clientIp(c));
  const holder = identity.kind === "user" ? identity.user.userId : identity.ticket.sub;
  await enforceRateLimit(c.env, "ice_servers_account", holder);
  return c.json(await iceServersFor(c.env));
});
