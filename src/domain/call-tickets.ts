import type { Db } from "../db/client";
import type { TicketClaims } from "../protocol/ticket";
import { findUser } from "./accounts";
import type { CallRecord } from "./calls";
import { issueTicket } from "./tickets";

// Who may have a ticket to which call (`POST /api/calls/:link/ticket`); the signing is in ./tickets.ts.

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
