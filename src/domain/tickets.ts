import { jwtVerify, SignJWT } from "jose";
import { type TicketClaims, ticketClaimsSchema } from "../protocol/ticket";

export const TICKET_TTL_SECONDS = 60;
const ISSUER = "vcme";
const AUDIENCE = "vcme:ticket";

const key = (secret: string) => new TextEncoder().encode(secret);

/** Signs a 60 s ticket for one person and one call. */
export async function issueTicket(secret: string, claims: TicketClaims, now = Date.now()): Promise<string> {
  const { sub, ...rest } = claims;
  const iat = Math.floor(now / 1000);
  return new SignJWT(rest)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TICKET_TTL_SECONDS)
    .sign(key(secret));
}

/** Verifies a ticket for the call at `link`; null when it is bad, expired, forged or for another call. */
export async function verifyTicket(
  secret: string,
  token: string,
  link: string,
): Promise<TicketClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
    });
    const claims = ticketClaimsSchema.safeParse(payload);
    if (!claims.success || claims.data.call_link !== link) return null;
    return claims.data;
  } catch {
    return null;
  }
}
