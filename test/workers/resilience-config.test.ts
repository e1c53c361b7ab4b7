import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { withDb } from "../../src/db/client";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import { clientPassword, errorOf, ORIGIN, signUp, uniqueEmail } from "./support/api-helpers";

vi.setConfig({ testTimeout: 60_000 });

/** The real Worker app, run inside workerd with the test bindings changed by `overrides`. */
async function fetchWith(overrides: Partial<Env>, path: string, init?: RequestInit): Promise<Response> {
  const app = createApp();
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

async function accountsWithEmail(email: string): Promise<number> {
  const rows = await withDb(env, (db) =>
    db.execute<{ n: number }>(sql`select count(*)::int as n from users where lower(email) = ${email}`),
  );
  return Number(rows.rows[0]?.n ?? -1);
}

/** An access token for `userId` signed with `key` (what an attacker who guessed a weak secret mints). */
async function forgedWith(key: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: crypto.randomUUID() })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuer("vcme")
    .setAudience("vcme:access")
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(key));
}

const production = (overrides: Partial<Env>): Partial<Env> => ({ APP_ENV: "production", ...overrides });

describe("configuration checked before anything is served", () => {
  it("production with a 1-byte JWT_SECRET: a token forged with it reads nothing, sign-up writes nothing, health is not ok", async () => {
    const victim = await signUp("Victim");
    const weak = production({ JWT_SECRET: "a" });
    const forged = await forgedWith("a", victim.user.id);
    const me = await fetchWith(weak, "/api/me", { headers: { Authorization: `Bearer ${forged}` } });
    expect(me.status).toBe(503);
    expect((await errorOf(me)).code).toBe("server_misconfigured");

    const email = uniqueEmail("misconfigured");
    const signup = await fetchWith(
      weak,
      "/api/auth/signup",
      json({ name: "N", email, password: clientPassword() }),
    );
    expect(signup.status).toBe(503);
    const error = await errorOf(signup);
    expect(error.code).toBe("server_misconfigured");
    // The message is for people and names no secret.
    expect(error.message).not.toMatch(/JWT_SECRET|DATABASE_URL/);
    expect(await accountsWithEmail(email)).toBe(0);

    const health = await fetchWith(weak, "/api/health");
    expect(health.status).toBe(503);
    const body = await health.json<{ ok: boolean; problems: string[] }>();
    expect(body.ok).toBe(false);
    expect(body.problems.join(" ")).toMatch(/JWT_SECRET/);
    expect(JSON.stringify(body)).not.toContain('"a"');
  });

  it("production without JWT_SECRET or DATABASE_URL: server_misconfigured everywhere that needs them, the room socket included", async () => {
    for (const overrides of [
      production({ JWT_SECRET: undefined as unknown as string }),
      production({ DATABASE_URL: undefined }),
    ]) {
      const email = uniqueEmail("missing");
      const signup = await fetchWith(
        overrides,
        "/api/auth/signup",
        json({ name: "N", email, password: clientPassword() }),
      );
      expect((await errorOf(signup)).code).toBe("server_misconfigured");
      expect(await accountsWithEmail(email)).toBe(0);
      const socket = await fetchWith(overrides, "/api/calls/some-call-abcdefgh/ws?ticket=x", {
        headers: { Upgrade: "websocket" },
      });
      expect(socket.status).toBe(503);
      const embed = await fetchWith(overrides, "/embed/some-call-abcdefgh");
      expect(embed.status).toBe(503);
      expect((await fetchWith(overrides, "/api/health")).status).toBe(503);
    }
  });

  it("production with a secret of 31 bytes is refused, with 32 bytes served", async () => {
    const short = await fetchWith(production({ JWT_SECRET: "x".repeat(31) }), "/api/health");
    expect(short.status).toBe(503);
    const ok = await fetchWith(production({ JWT_SECRET: "x".repeat(32) }), "/api/health");
    expect(ok.status).toBe(200);
    expect((await ok.json<{ ok: boolean }>()).ok).toBe(true);
  });

  it("outside production a short secret still works (the dev launcher and tests make their own)", async () => {
    const response = await fetchWith({ APP_ENV: "development", JWT_SECRET: "dev" }, "/api/health");
    expect(response.status).toBe(200);
  });
});
