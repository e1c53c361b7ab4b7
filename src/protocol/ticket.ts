import * as z from "zod";

/**
 * What a call ticket carries (docs/api.md): everything the room needs to admit someone without a
 * database query. Signed by the Worker (src/domain/tickets.ts), valid 60 s, bound to one call.
 */
export const ticketClaimsSchema = z.object({
  /** User id, or `guest:<uuid>` for a guest. */
  sub: z.string().min(1),
  /** Display name shown to the others. */
  name: z.string().min(1).max(80),
  guest: z.boolean(),
  call_id: z.string().min(1),
  call_link: z.string().min(1),
  call_title: z.string(),
  /** The call's owner: a ticket whose `sub` equals it belongs to a host. */
  host_user_id: z.string().min(1),
  /** Durable Object location hint chosen when the call was created. */
  location_hint: z.string().optional(),
});

export type TicketClaims = z.infer<typeof ticketClaimsSchema>;
