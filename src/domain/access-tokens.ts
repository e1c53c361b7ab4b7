import type { TicketClaims } from "../protocol/ticket";
import { signJwt, unverifiedClaim, verifyJwt } from "./jwt";
import { verifyTicket } from "./tickets";

/** Access tokens live 15 minutes; the refresh cookie renews them. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Who an access token speaks for: the user and the session family it was issued in. */
export interface AccessClaims {
  userId: string;
  /** The refresh-token family, so "revoke every other session" can keep this one. */
  sessionFamily: string;
}

/** Signs a 15-minute access token (HS256, iss "vcme", aud "vcme:access"). */
export async function issueAccessToken(
  secret: string,
  claims: AccessClaims,
  now = Date.now(),
): Promise<string> {
  return signJwt(
    secret,
    "vcme:access",
    claims.userId,
    { sid: claims.sessionFamily },
    ACCESS_TOKEN_TTL_SECONDS,
    now,
  );
}

/** Verifies an access token (algorithm pinned, iss/aud/exp/iat/sub required); null when it is not valid. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | null> {
  const payload = await verifyJwt(secret, token, "vcme:access");
  if (typeof payload?.sub !== "string" || typeof payload.sid !== "string") return null;
  return { userId: payload.sub, sessionFamily: payload.sid };
}

/** A bearer token that is either a user's access token or a call ticket (`GET /api/ice-servers`). */
export type BearerIdentity = { kind: "user"; user: AccessClaims } | { kind: "ticket"; ticket: TicketClaims };

/** Accepts an access token or a still-valid call ticket; null for anything else. */
export async function verifyUserOrTicket(secret: string, token: string): Promise<BearerIdentity | null> {
  const user = await verifyAccessToken(secret, token);
  if (user) return { kind: "user", user };
  // Only to learn which call the ticket names; verifyTicket then checks signature, audience and expiry.
  const link = unverifiedClaim(token, "call_link");
  if (typeof link !== "string") return null;
  const ticket = await verifyTicket(secret, token, link);
  return ticket ? { kind: "ticket", ticket } : null;
}
