import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from "jose";

// The one place that signs and verifies the Worker's JWTs: HS256 with JWT_SECRET, issuer "vcme", an audience
// per kind of token (access tokens, call tickets), and a lifetime from `iat`.

const ISSUER = "vcme";
const key = (secret: string) => new TextEncoder().encode(secret);

/** What kind of token, by its audience. */
export type TokenAudience = "vcme:access" | "vcme:ticket";

/** Signs `claims` for `subject`, valid `ttlSeconds` from `now`. */
export async function signJwt(
  secret: string,
  audience: TokenAudience,
  subject: string,
  claims: Record<string, unknown>,
  ttlSeconds: number,
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key(secret));
}

/** The payload of a token of this audience (algorithm pinned, iss/aud/exp/iat/sub required); null if not valid. */
export async function verifyJwt(
  secret: string,
  token: string,
  audience: TokenAudience,
): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience,
      requiredClaims: ["sub", "exp", "iat"],
    });
    return payload;
  } catch {
    return null;
  }
}

/** One claim of a token read WITHOUT verifying it (only to learn what to verify it against); undefined if unreadable. */
export function unverifiedClaim(token: string, name: string): unknown {
  try {
    return decodeJwt(token)[name];
  } catch {
    return undefined;
  }
}
