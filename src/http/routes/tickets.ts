import { Hono } from "hono";
import { issueCallTicket, ticketHolder } from "../../domain/call-tickets";
import { findCall } from "../../domain/calls";
import { TICKET_TTL_SECONDS } from "../../domain/tickets";
import { linkSchema, type TicketResult, ticketBodySchema } from "../../protocol/rest";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { optionalUser, unauthorized } from "../middleware/auth";
import { clientIp, enforceRateLimit } from "../middleware/rate-limit";
import { jsonBody, paramOf } from "../middleware/validation";

/** `ws(s)://<host>/api/calls/<link>/ws`, on the host the client called. */
function socketUrl(requestUrl: string, link: string): string {
  const url = new URL(requestUrl);
  const scheme = url.protocol === "http:" ? "ws:" : "wss:";
  return `${scheme}//${url.host}/api/calls/${encodeURIComponent(link)}/ws`;
}

const NAME_REQUIRED = "guests must give a display name";

/** The contract's answer to each reason the domain gives for not issuing a ticket. */
const REFUSALS = {
  account_gone: () => unauthorized("This account no longer exists."),
  guests_not_allowed: () => unauthorized("This call is only for signed-in people. Sign in to join."),
  name_required: () =>
    new ApiError(422, "validation_failed", `display_name: ${NAME_REQUIRED}`, {
      fields: { display_name: NAME_REQUIRED },
    }),
};

/** `POST /api/calls/:link/ticket`: a 60 s pass into the call's room, for a user or (if allowed) a guest. */
export const ticketRoutes = new Hono<AppEnv>().post("/:link/ticket", async (c) => {
  const link = paramOf(c.req.param("link"), linkSchema, "call");
  await enforceRateLimit(c.env, "ticket_ip", clientIp(c));
  const user = await optionalUser(c);
  if (user) await enforceRateLimit(c.env, "ticket_account", user.userId);
  const body = await jsonBody(c, ticketBodySchema, {});
  const db = await c.var.db();
  const call = await findCall(db, link);
  if (!call) throw new ApiError(404, "not_found", "There is no such call.");
  const holder = await ticketHolder(db, call, user?.userId ?? null, body.display_name);
  if (typeof holder === "string") throw REFUSALS[holder]();
  const result: TicketResult = {
    ticket: await issueCallTicket(c.env.JWT_SECRET, call, holder),
    expires_in: TICKET_TTL_SECONDS,
    ws_url: socketUrl(c.req.url, call.link),
  };
  return c.json(result);
});
