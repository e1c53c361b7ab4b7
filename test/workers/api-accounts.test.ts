import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withDb } from "../../src/db/client";
import { sessions } from "../../src/db/schema";
import { stretchPassword } from "../../src/protocol/password";
import { authResultSchema, meResultSchema } from "../../src/protocol/rest";
import {
  bodyOf,
  clientPassword,
  errorOf,
  refreshCookie,
  send,
  signUp,
  uniqueEmail,
} from "./support/api-helpers";
import { forgedAccessTokens } from "./support/forged-tokens";

describe("POST /api/auth/signup", () => {
  it("creates an account and answers 201 with the user, an access token and the refresh cookie", async () => {
    const email = uniqueEmail();
    const response = await send("POST", "/api/auth/signup", {
      name: "  Ada Lovelace  ",
      email,
      password: clientPassword(),
    });
    expect(response.status).toBe(201);
    const body = await bodyOf(response, authResultSchema);
    expect(body).toEqual({
      user: { id: expect.any(String), name: "Ada Lovelace", email, created_at: expect.any(String) },
      access_token: expect.any(String),
      expires_in: 900,
    });
    expect(new Date(body.user.created_at).toISOString()).toBe(body.user.created_at);
    const cookie = response.headers.getAll("Set-Cookie").find((c: string) => c.startsWith("vcme_refresh="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/Max-Age=2592000/);
  });

  it("refuses an email that is taken, whatever its case, with 409 conflict", async () => {
    const first = await signUp();
    const response = await send("POST", "/api/auth/signup", {
      name: "Copycat",
      email: first.email.toUpperCase(),
      password: clientPassword(),
    });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe("conflict");
  });

  it.each([
    ["a bad email", { name: "A", email: "not-an-email", password: "a".repeat(64) }, "email"],
    ["an empty name", { name: "   ", email: "x@example.test", password: "a".repeat(64) }, "name"],
    [
      "a name over 80 characters",
      { name: "n".repeat(81), email: "x@example.test", password: "a".repeat(64) },
      "name",
    ],
    ["a missing password", { name: "A", email: "x@example.test" }, "password"],
    ["a raw (unstretched) password", { name: "A", email: "x@example.test", password: "hunter2" }, "password"],
    [
      "a NUL byte in the name",
      { name: "a\u0000b", email: "x@example.test", password: "a".repeat(64) },
      "name",
    ],
    ["a line break in the name", { name: "a\nb", email: "x@example.test", password: "a".repeat(64) }, "name"],
    ["a number for a name", { name: 42, email: "x@example.test", password: "a".repeat(64) }, "name"],
    [
      "an unknown field",
      { name: "A", email: "x@example.test", password: "a".repeat(64), admin: true },
      "body",
    ],
  ])("answers 422 validation_failed naming the field for %s", async (_, body, field) => {
    const response = await send("POST", "/api/auth/signup", body);
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain(`${field}:`);
    expect(error.details?.fields).toHaveProperty(field);
  });

  it("answers 400 validation_failed for malformed JSON", async () => {
    const response = await send("POST", "/api/auth/signup", '{"name": "A",');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: "validation_failed",
      message: expect.stringMatching(/JSON/),
    });
  });

  it("stores names full of SQL, HTML and emoji verbatim", async () => {
    const name = `Robert'); DROP TABLE users;-- <script>alert("x")</script> 🎉👩🏽‍💻`;
    const person = await signUp(name);
    expect(person.user.name).toBe(name);
    const me = await send("GET", "/api/me", undefined, { token: person.token });
    expect((await bodyOf(me, meResultSchema)).user.name).toBe(name);
  });
});

describe("POST /api/auth/login", () => {
  it("signs in with the email in any case and the right password value", async () => {
    const person = await signUp();
    const response = await send("POST", "/api/auth/login", {
      email: person.email.toUpperCase(),
      password: person.password,
    });
    expect(response.status).toBe(200);
    const body = await bodyOf(response, authResultSchema);
    expect(body.user).toEqual(person.user);
    expect(body.expires_in).toBe(900);
    expect(refreshCookie(response)).toMatch(/^vcme_refresh=.+/);
  });

  it("accepts the value computed by the shipped password helper (600 000 PBKDF2 rounds)", async () => {
    const email = uniqueEmail("Helper");
    const signup = await send("POST", "/api/auth/signup", {
      name: "Helper",
      email,
      password: await stretchPassword("correct horse battery staple", email),
    });
    expect(signup.status).toBe(201);
    const login = await send("POST", "/api/auth/login", {
      email: email.toLowerCase(),
      password: await stretchPassword("correct horse battery staple", email.toLowerCase()),
    });
    expect(login.status).toBe(200);
    const wrong = await send("POST", "/api/auth/login", {
      email,
      password: await stretchPassword("correct horse battery stapler", email),
    });
    expect(wrong.status).toBe(401);
  });

  it("answers a wrong password and an unknown email with the same 401 (no user enumeration)", async () => {
    const person = await signUp();
    const wrongPassword = await send("POST", "/api/auth/login", {
      email: person.email,
      password: clientPassword(),
    });
    const unknownEmail = await send("POST", "/api/auth/login", {
      email: uniqueEmail(),
      password: clientPassword(),
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknownEmail.json());
    expect(wrongPassword.headers.getAll("Set-Cookie")).toEqual([]);
  });

  it("validates the body", async () => {
    const response = await send("POST", "/api/auth/login", { email: "nope", password: "x" });
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.details?.fields).toMatchObject({ email: expect.any(String), password: expect.any(String) });
  });
});

describe("POST /api/auth/refresh", () => {
  it("rotates the refresh token and returns a fresh access token", async () => {
    const person = await signUp();
    const response = await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    expect(response.status).toBe(200);
    const body = await bodyOf(response, authResultSchema);
    expect(body.user).toEqual(person.user);
    const rotated = refreshCookie(response);
    expect(rotated).not.toBe(person.cookie);
    const me = await send("GET", "/api/me", undefined, { token: body.access_token });
    expect(me.status).toBe(200);
    const again = await send("POST", "/api/auth/refresh", undefined, { cookie: rotated });
    expect(again.status).toBe(200);
  });

  it("revokes the whole session family when a rotated token is replayed", async () => {
    const person = await signUp();
    const first = await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    const current = refreshCookie(first);
    const replay = await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe("unauthorized");
    // The thief's replay also ends the legitimate holder's newer token.
    const legit = await send("POST", "/api/auth/refresh", undefined, { cookie: current });
    expect(legit.status).toBe(401);
  });

  it("answers 401 for a refresh token past its 30 days", async () => {
    const person = await signUp();
    await withDb(env, (db) =>
      db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, person.user.id)),
    );
    const response = await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    expect(response.status).toBe(401);
  });

  it("answers 401 without a cookie or with an unknown one, and clears the cookie and the session marker", async () => {
    // A marker left behind alone (cookies partly cleared) is cleared, so the client stops asking.
    const alone = await send("POST", "/api/auth/refresh", undefined, { cookie: "vcme_session=1" });
    expect(alone.status).toBe(401);
    expect(alone.headers.getAll("Set-Cookie").join()).toMatch(/vcme_session=;.*Max-Age=0/);
    const response = await send("POST", "/api/auth/refresh", undefined, { cookie: "vcme_refresh=made-up" });
    expect(response.status).toBe(401);
    expect(response.headers.getAll("Set-Cookie").join()).toMatch(/vcme_refresh=;.*Max-Age=0/);
    expect(response.headers.getAll("Set-Cookie").join()).toMatch(/vcme_session=;.*Max-Age=0/);
  });

  it("keeps other sessions of the same person working when one is replayed", async () => {
    const person = await signUp();
    const other = await send("POST", "/api/auth/login", { email: person.email, password: person.password });
    const otherCookie = refreshCookie(other);
    await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    expect((await send("POST", "/api/auth/refresh", undefined, { cookie: otherCookie })).status).toBe(200);
  });
});

describe("POST /api/auth/logout", () => {
  it("answers 204, clears the cookie and revokes the refresh token", async () => {
    const person = await signUp();
    const response = await send("POST", "/api/auth/logout", undefined, { cookie: person.cookie });
    expect(response.status).toBe(204);
    expect(response.headers.getAll("Set-Cookie").join()).toMatch(/vcme_refresh=;.*Max-Age=0/);
    const refresh = await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie });
    expect(refresh.status).toBe(401);
  });

  it("answers 204 even without a session", async () => {
    expect((await send("POST", "/api/auth/logout")).status).toBe(204);
  });
});

describe("GET and PATCH /api/me", () => {
  it("shows the signed-in person", async () => {
    const person = await signUp("Grace");
    const response = await send("GET", "/api/me", undefined, { token: person.token });
    expect(response.status).toBe(200);
    expect(await bodyOf(response, meResultSchema)).toEqual({ user: person.user });
  });

  it("renames the person (trimmed) and keeps the rest", async () => {
    const person = await signUp("Grace");
    const response = await send("PATCH", "/api/me", { name: "  Grace Hopper " }, { token: person.token });
    expect(response.status).toBe(200);
    expect(await bodyOf(response, meResultSchema)).toEqual({
      user: { ...person.user, name: "Grace Hopper" },
    });
    const empty = await send("PATCH", "/api/me", {}, { token: person.token });
    expect((await bodyOf(empty, meResultSchema)).user.name).toBe("Grace Hopper");
  });

  it.each([
    ["an empty name", { name: "" }],
    ["a long name", { name: "x".repeat(81) }],
    ["a wrong type", { name: ["x"] }],
    ["an email change (not allowed here)", { email: "new@example.test" }],
  ])("refuses %s with 422", async (_, body) => {
    const person = await signUp();
    const response = await send("PATCH", "/api/me", body, { token: person.token });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).code).toBe("validation_failed");
  });

  it("answers 401 with WWW-Authenticate without a token", async () => {
    const response = await send("GET", "/api/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });

  it("refuses expired, tampered, alg:none, wrong-secret, wrong-audience and wrong-issuer tokens", async () => {
    const person = await signUp();
    const forged = await forgedAccessTokens(person.user.id, crypto.randomUUID());
    for (const [kind, token] of Object.entries(forged)) {
      const response = await send("GET", "/api/me", undefined, { token });
      expect(response.status, kind).toBe(401);
      expect((await errorOf(response)).code, kind).toBe("unauthorized");
    }
  });
});

describe("POST /api/me/password", () => {
  it("changes the password and revokes every other session but keeps this one", async () => {
    const person = await signUp();
    const otherLogin = await send("POST", "/api/auth/login", {
      email: person.email,
      password: person.password,
    });
    const otherCookie = refreshCookie(otherLogin);
    const next = clientPassword();
    const response = await send(
      "POST",
      "/api/me/password",
      { current_password: person.password, new_password: next },
      { token: person.token },
    );
    expect(response.status).toBe(204);
    expect((await send("POST", "/api/auth/refresh", undefined, { cookie: otherCookie })).status).toBe(401);
    expect((await send("POST", "/api/auth/refresh", undefined, { cookie: person.cookie })).status).toBe(200);
    const oldLogin = await send("POST", "/api/auth/login", {
      email: person.email,
      password: person.password,
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await send("POST", "/api/auth/login", { email: person.email, password: next });
    expect(newLogin.status).toBe(200);
  });

  it("answers 403 for a wrong current password and changes nothing", async () => {
    const person = await signUp();
    const response = await send(
      "POST",
      "/api/me/password",
      { current_password: clientPassword(), new_password: clientPassword() },
      { token: person.token },
    );
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("forbidden");
    const login = await send("POST", "/api/auth/login", { email: person.email, password: person.password });
    expect(login.status).toBe(200);
  });

  it("validates both fields and needs a token", async () => {
    const person = await signUp();
    const response = await send(
      "POST",
      "/api/me/password",
      { current_password: "x" },
      { token: person.token },
    );
    expect(response.status).toBe(422);
    expect((await errorOf(response)).details?.fields).toMatchObject({
      current_password: expect.any(String),
      new_password: expect.any(String),
    });
    const anonymous = await send("POST", "/api/me/password", { current_password: "a", new_password: "b" });
    expect(anonymous.status).toBe(401);
  });
});
