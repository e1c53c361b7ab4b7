// The tickets of one call (POST /api/calls/:link/ticket): each WebSocket connection needs a fresh one, a
// guest's ICE-servers request is authorised by a young one, and a signed-in person's first ticket says
// whether they host the call. Kept here so the call page only asks for URLs and servers.
import { decodeBase64Url } from "../../../src/protocol/base64url";
import type { Api } from "./endpoints";
import type { Send } from "./http";
import type { IceServersResult, TicketBody, TicketResult } from "./types";

/** A ticket lives 60 s; one younger than this is still good for a connection or an ICE-servers request. */
const TICKET_REUSE_MS = 40_000;

interface HeldTicket {
  ticket: TicketResult;
  at: number;
}

const usable = (held: HeldTicket | null): TicketResult | null =>
  held && Date.now() - held.at < TICKET_REUSE_MS ? held.ticket : null;
const hold = (ticket: TicketResult): HeldTicket => ({ ticket, at: Date.now() });

export interface TicketDeps {
  api: Pick<Api, "ticket" | "iceServers">;
  /** Sends without the access token (a guest's request carries the ticket instead). */
  plain: Send;
  signedIn(): boolean;
}

/** One join: its first ticket, and where the call's socket and ICE servers come from. */
export interface TicketedJoin {
  isHost: boolean;
  /** A WebSocket URL with a fresh ticket (the first one for the first connection). */
  connectUrl(): Promise<string>;
  iceServers(): Promise<IceServersResult>;
}

export function createCallTickets(deps: TicketDeps, slug: string) {
  // The ticket fetched to learn the role, kept so joining soon after costs no second request.
  let prefetched: HeldTicket | null = null;
  return {
    /** A signed-in person's ticket: whether they host the call (false when it cannot be had). */
    async prefetch(): Promise<boolean> {
      const ticket = await deps.api.ticket(slug, {});
      prefetched = hold(ticket);
      return ticketIsHost(ticket.ticket);
    },
    /** Starts a join; a guest gives the name they join with. Rejects when no ticket is given. */
    async join(displayName: string): Promise<TicketedJoin> {
      const signedIn = deps.signedIn();
      const body: TicketBody = signedIn ? {} : { display_name: displayName };
      const held = signedIn && usable(prefetched) ? prefetched : null;
      prefetched = null;
      let first: TicketResult | null = held?.ticket ?? (await deps.api.ticket(slug, body));
      const isHost = ticketIsHost(first.ticket);
      // The latest ticket also serves a guest's ICE-servers request while it is young.
      let latest: HeldTicket = held ?? hold(first);
      const fresh = async (): Promise<TicketResult> => {
        const ticket = first ?? (await deps.api.ticket(slug, body));
        if (!first) latest = hold(ticket);
        first = null;
        return ticket;
      };
      return {
        isHost,
        async connectUrl() {
          const ticket = await fresh();
          return `${ticket.ws_url}?ticket=${encodeURIComponent(ticket.ticket)}`;
        },
        async iceServers() {
          if (deps.signedIn()) return deps.api.iceServers();
          let ticket = usable(latest);
          if (!ticket) {
            ticket = await deps.api.ticket(slug, body);
            latest = hold(ticket);
          }
          return deps.plain<IceServersResult>({
            method: "GET",
            path: "/api/ice-servers",
            token: ticket.ticket,
          });
        },
      };
    },
  };
}

export type CallTickets = ReturnType<typeof createCallTickets>;

/**
 * Whether a ticket belongs to the call's host, read from its claims only to choose the join button's
 * words (the room decides for real). Checked by hand: the ticket schema would pull zod into this screen.
 */
export function ticketIsHost(token: string): boolean {
  const payload = token.split(".")[1];
  if (!payload) return false;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    if (typeof claims !== "object" || claims === null || !("sub" in claims) || !("host_user_id" in claims))
      return false;
    return typeof claims.sub === "string" && claims.sub === claims.host_user_id;
  } catch {
    return false;
  }
}
