import { Hono } from "hono";
import { findUser } from "../../domain/accounts";
import { findCall } from "../../domain/calls";
import { issueTicket, TICKET_TTL_SECONDS } from "../../domain/tickets";
import { linkSchema, type TicketResult, ticketBodySchema } from "../../protocol/rest";
import type { TicketClaims } from "../../protocol/ticket";
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

/** `POST /api/calls/:link/ticket`: a 60 s pass into the call's room, for a user or (if allowed) a guest. */
export const ticketRoute = new Hono<AppEnv>().post("/:link/ticket", async (c) => {
  const link = paramOf(c.req.param("link"), linkSchema, "call");
  await enforceRateLimit(c.env, "ticket_ip", clientIp(c));
  const user = await optionalUser(c);
  if (user) await enforceRateLimit(c.env, "ticket_account", user.userId);
  const body = await jsonBody(c, ticketBodySchema, {});
  const db = await c.var.db();
  const call = await findCall(db, link);
  if (!call) throw new ApiError(404, "not_found", "There is no such call.");

  let identity: Pick<TicketClaims, "sub" | "name" | "guest">;
  if (user) {
    const account = await findUser(db, user.userId);
    if (!account) throw unauthorized("This account no longer exists.");
    identity = { sub: account.id, name: account.name, guest: false };
  } else {
    if (!call.allowGuests) throw unauthorized("This call is only for signed-in people. Sign in to join.");
    if (!body.display_name) {
      const message = "guests must give a display name";
      throw new ApiError(422, "validation_failed", `display_name: ${message}`, {
        fields: { display_name: message },
      });
    }
    identity = { sub: `guest:${crypto.randomUUID()}`, name: body.display_name, guest: true };
  }

  const ticket = await issueTicket(c.env.JWT_SECRET, {
    ...identity,
    call_id: call.id,
    call_link: call.link,
    call_title: call.title,
    host_user_id: call.hostId,
    ...(call.locationHint ? { location_hint: call.locationHint } : {}),
  });
  const result: TicketResult = {
    ticket,
    expires_in: TICKET_TTL_SECONDS,
    ws_url: socketUrl(c.req.url, call.link),
  };
  return c.json(result);
});
