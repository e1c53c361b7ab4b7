import { stretchPassword } from "../../../src/protocol/password";
import { type RefreshLock, SessionModel, type TabChannel } from "../models/session";
import { createSend } from "./http";
import { createCallTickets } from "./tickets";

interface LockManagerLike {
  request<T>(name: string, task: () => Promise<T>): Promise<T>;
}

// Feature checks: older browsers lack BroadcastChannel or Web Locks, and the app still works without.
const scope = globalThis as {
  BroadcastChannel?: new (name: string) => TabChannel;
  navigator?: { locks?: LockManagerLike };
};
const locks = scope.navigator?.locks;
const lock: RefreshLock | undefined = locks ? (task) => locks.request("vcme:refresh", task) : undefined;

/** The Worker sets `vcme_session` (readable, not secret) beside the HttpOnly refresh cookie. */
const mayHaveSession = () => /(?:^|;\s*)vcme_session=/.test(document.cookie);

/** The app's one session; `session.api` is the typed REST client with the access token attached. */
export const session = new SessionModel({
  fetcher: (input, init) => fetch(input, init),
  stretch: stretchPassword,
  channel: scope.BroadcastChannel ? new scope.BroadcastChannel("vcme:session") : null,
  lock,
  mayHaveSession,
});

export const api = session.api;

const plain = createSend((input, init) => fetch(input, init));
/** The tickets of the call at `slug` (see tickets.ts). */
export const callTickets = (slug: string) =>
  createCallTickets({ api, plain, signedIn: () => session.status.peek() === "signed_in" }, slug);
export { ApiRequestError, describeError } from "./errors";
export { callPath, loginPath, parseCallLink, safeNext } from "./links";
export type { CallTickets, TicketedJoin } from "./tickets";
export type * from "./types";
