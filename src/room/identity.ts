import { type TicketClaims, ticketClaimsSchema } from "../protocol/ticket";

/**
 * The header in which the Worker hands the verified ticket claims to the room. A Durable Object is only
 * reachable through the Worker, and the Worker builds the request afresh, so a client cannot set it.
 */
export const ROOM_IDENTITY_HEADER = "X-VCME-Room-Identity";

/** Encodes verified claims for `ROOM_IDENTITY_HEADER`. */
export function encodeIdentity(claims: TicketClaims): string {
  return encodeURIComponent(JSON.stringify(claims));
}

/** Reads `ROOM_IDENTITY_HEADER`; null when it is missing or malformed. */
export function decodeIdentity(header: string | null): TicketClaims | null {
  if (!header) return null;
  try {
    const parsed = ticketClaimsSchema.safeParse(JSON.parse(decodeURIComponent(header)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
