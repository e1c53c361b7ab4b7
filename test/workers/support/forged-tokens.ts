import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { issueAccessToken } from "../../../src/domain/access-tokens";
import { issueTicket } from "../../../src/domain/tickets";

const b64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const secret = () => new TextEncoder().encode(env.JWT_SECRET);

/**
 * Tokens that must be refused everywhere for user `userId`: expired, tampered, `alg: none`, signed with
 * another secret, with another audience or issuer, and a call ticket where an access token is expected.
 */
export async function forgedAccessTokens(
  userId: string,
  sessionFamily: string,
): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const valid = await issueAccessToken(env.JWT_SECRET, { userId, sessionFamily });
  const [header, payload, signature] = valid.split(".") as [string, string, string];
  const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))) as Record<
    string,
    unknown
  >;
  const sign = (builder: SignJWT, key = secret()) => builder.setProtectedHeader({ alg: "HS256" }).sign(key);
  return {
    expired: await issueAccessToken(env.JWT_SECRET, { userId, sessionFamily }, Date.now() - 16 * 60 * 1000),
    tampered: `${header}.${b64url(JSON.stringify({ ...claims, sub: crypto.randomUUID() }))}.${signature}`,
    "alg none": `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${payload}.`,
    "wrong secret": await sign(
      new SignJWT({ sid: sessionFamily })
        .setSubject(userId)
        .setIssuer("vcme")
        .setAudience("vcme:access")
        .setIssuedAt(now)
        .setExpirationTime(now + 600),
      new TextEncoder().encode("another-secret-another-secret-another-secret"),
    ),
    "wrong audience": await sign(
      new SignJWT({ sid: sessionFamily })
        .setSubject(userId)
        .setIssuer("vcme")
        .setAudience("vcme:other")
        .setIssuedAt(now)
        .setExpirationTime(now + 600),
    ),
    "wrong issuer": await sign(
      new SignJWT({ sid: sessionFamily })
        .setSubject(userId)
        .setIssuer("someone-else")
        .setAudience("vcme:access")
        .setIssuedAt(now)
        .setExpirationTime(now + 600),
    ),
    "call ticket": await issueTicket(env.JWT_SECRET, {
      sub: userId,
      name: "Someone",
      guest: false,
      call_id: crypto.randomUUID(),
      call_link: "some-call-abcdefghijklmnop",
      call_title: "t",
      host_user_id: userId,
    }),
    garbage: "not-a-jwt",
  };
}
