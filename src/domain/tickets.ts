import { type TicketClaims, ticketClaimsSchema } from "../protocol/ticket";
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
