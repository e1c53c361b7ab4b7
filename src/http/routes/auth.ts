import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from "../../domain/access-tokens";
import { authenticate, createAccount, findUser, toUser } from "../../domain/accounts";
import {
  endSession,
  type IssuedRefresh,
  REFRESH_TOKEN_TTL_SECONDS,
  rotateSession,
  startSession,
} from "../../domain/sessions";
import { type AuthResult, loginBodySchema, signupBodySchema } from "../../protocol/rest";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { unauthorized } from "../middleware/auth";
import { accountAtAddress, clientIp, countAttempt, enforceRateLimit } from "../middleware/rate-limit";
import { jsonBody } from "../middleware/validation";

/** The refresh cookie: HttpOnly, Secure, SameSite=Lax, only sent to /api/auth. */
export const REFRESH_COOKIE = "vcme_refresh";
const cookieOptions = { path: "/api/auth", httpOnly: true, secure: true, sameSite: "Lax" } as const;
/**
 * A readable marker that lives and dies with the refresh cookie (set, rotated and cleared in the same
 * responses, same lifetime): the client asks for a refresh on page load only when it is there, so a
 * visitor who never signed in sends no request that can only be refused. It carries nothing secret.
 */
export const SESSION_MARKER_COOKIE = "vcme_session";
const markerOptions = { path: "/", secure: true, sameSite: "Lax" } as const;

type User = Parameters<typeof toUser>[0];

async function signedIn(c: Context<AppEnv>, user: User, refresh: IssuedRefresh): Promise<AuthResult> {
  setCookie(c, REFRESH_COOKIE, refresh.token, { ...cookieOptions, maxAge: REFRESH_TOKEN_TTL_SECONDS });
  setCookie(c, SESSION_MARKER_COOKIE, "1", { ...markerOptions, maxAge: REFRESH_TOKEN_TTL_SECONDS });
  const accessToken = await issueAccessToken(c.env.JWT_SECRET, {
    userId: user.id,
    sessionFamily: refresh.familyId,
  });
  return { user: toUser(user), access_token: accessToken, expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

function signedOut(c: Context<AppEnv>): void {
  deleteCookie(c, REFRESH_COOKIE, cookieOptions);
  deleteCookie(c, SESSION_MARKER_COOKIE, markerOptions);
}

/** `/api/auth/*`: sign-up, login, refresh-token rotation and logout. */
export const authRoutes = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    await enforceRateLimit(c.env, "signup_ip", clientIp(c));
    const body = await jsonBody(c, signupBodySchema);
    const db = await c.var.db();
    const user = await createAccount(db, body);
    if (!user) throw new ApiError(409, "conflict", "An account with this email already exists.");
    return c.json(await signedIn(c, user, await startSession(db, user.id)), 201);
  })
  .post("/login", async (c) => {
    const ip = clientIp(c);
    await enforceRateLimit(c.env, "login_ip", ip);
    const body = await jsonBody(c, loginBodySchema);
    // Only this address's own failures for this account refuse it (checked, not counted, here): others
    // failing for the account never lock its owner out.
    const pair = accountAtAddress(body.email, ip);
    await enforceRateLimit(c.env, "login_account_ip", pair, { count: false });
    const db = await c.var.db();
    const user = await authenticate(db, body.email, body.password);
    if (!user) {
      await countAttempt(c.env, "login_account_ip", pair);
      throw unauthorized("The email or password is not correct.");
    }
    return c.json(await signedIn(c, user, await startSession(db, user.id)), 200);
  })
  .post("/refresh", async (c) => {
    await enforceRateLimit(c.env, "refresh_ip", clientIp(c));
    const token = getCookie(c, REFRESH_COOKIE);
    if (!token) {
      // A marker left without its refresh cookie would have the client ask again on every load.
      signedOut(c);
      throw unauthorized("There is no session to refresh; sign in again.");
    }
    const db = await c.var.db();
    const refresh = await rotateSession(db, token);
    const user = refresh ? await findUser(db, refresh.userId) : null;
    if (!refresh || !user) {
      signedOut(c);
      throw unauthorized("The session has ended; sign in again.");
    }
    return c.json(await signedIn(c, user, refresh), 200);
  })
  .post("/logout", async (c) => {
    const token = getCookie(c, REFRESH_COOKIE);
    if (token) await endSession(await c.var.db(), token);
    signedOut(c);
    return c.body(null, 204);
  });
