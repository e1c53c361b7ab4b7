import type { Db } from "../db/client";
import { type TicketClaims, ticketClaimsSchema } from "../protocol/ticket";
import { findUser } from "./accounts";
import type { CallRecord } from "./calls";
import { signJwt, verifyJwt } from "./jwt";

export const TICKET_TTL_SECONDS = 60;

/** Signs a 60 s ticket for one person and one call. */
export async function issueTicket(secret: string, claims: TicketClaims, now = Date.now()): Promise<string> {
  const { sub, ...rest } = claims;
  return signJwt(secret, "vcme:ticket", sub, rest, TICKET_TTL_SECONDS, now);
}

/** Verifies a ticket for the call at `link`; null when it is bad, expired, forged or for another call. */
export async function verifyTicket(
  secret: string,
  token: string,
  link: string,
): Promise<TicketClaims | null> {
  const payload = await verifyJwt(secret, token, "vcme:ticket");
  const claims = ticketClaimsSchema.safeParse(payload);
  if (!claims.success || claims.data.call_link !== link) return null;
  return claims.data;
}

/** Who a ticket is for. */
export type TicketHolder = Pick<TicketClaims, "sub" | "name" | "guest">;

/** Why nobody can be given a ticket: the account is gone, the call takes no guests, a guest gave no name. */
export type TicketRefusal = "account_gone" | "guests_not_allowed" | "name_required";

/**
 * Who joins on this ticket: the signed-in account (`userId`) as itself, or, where the call allows guests, a
 * guest under the name they gave with a fresh `guest:<uuid>` (so no two guest tickets share an identity).
 */
export async function ticketHolder(
  db: Db,
  call: CallRecord,
  userId: string | null,
  displayName: string | undefined,
): Promise<TicketHolder | TicketRefusal> {
  if (userId !== null) {
    const account = await findUser(db, userId);
    return account ? { sub: account.id, name: account.name, guest: false } : "account_gone";
  }
  if (!call.allowGuests) return "guests_not_allowed";
  if (!displayName) return "name_required";
  return { sub: `guest:${crypto.randomUUID()}`, name: displayName, guest: true };
}

/** Signs the ticket of `holder` for `call`: everything the room needs to admit them without a query. */
export function issueCallTicket(secret: string, call: CallRecord, holder: TicketHolder): Promise<string> {
  return issueTicket(secret, {
    ...holder,
    call_id: call.id,
    call_link: call.link,
    call_title: call.title,
    host_user_id: call.hostId,
    ...(call.locationHint ? { location_hint: call.locationHint } : {}),
  });
}
