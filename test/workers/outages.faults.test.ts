// Postgres outages, against the fault bridge (see test/global-setup.ts): never beside ordinary tests.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ticketResultSchema } from "../../src/protocol/rest";
import {
  bodyOf,
  call,
  clientPassword,
  createCall,
  errorOf,
  send,
  signUp,
  uniqueEmail,
} from "./support/api-helpers";
import { databaseDown, databaseUp } from "./support/database";

const health = () => exports.default.fetch(new Request("https://vcme.test/api/health"));

describe("when Postgres is unreachable", () => {
  it("says so on /api/health with 503 and db down, and recovers", async () => {
    await databaseDown();
    try {
      const response = await health();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, db: "down" });
    } finally {
      await databaseUp();
    }
    const again = await health();
    expect(await again.json()).toMatchObject({ ok: true, db: "up" });
  });
});

describe("when Postgres is down", () => {
  it("every database endpoint answers 503 database_unavailable quickly, and all work again after", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const requests: Array<[string, () => Promise<Response>]> = [
      [
        "signup",
        () =>
          send("POST", "/api/auth/signup", { name: "N", email: uniqueEmail(), password: clientPassword() }),
      ],
      ["login", () => send("POST", "/api/auth/login", { email: host.email, password: host.password })],
      ["refresh", () => send("POST", "/api/auth/refresh", undefined, { cookie: host.cookie })],
      ["logout", () => send("POST", "/api/auth/logout", undefined, { cookie: "vcme_refresh=unknown" })],
      ["me", () => send("GET", "/api/me", undefined, { token: host.token })],
      ["patch me", () => send("PATCH", "/api/me", { name: "X" }, { token: host.token })],
      [
        "password",
        () =>
          send(
            "POST",
            "/api/me/password",
            { current_password: host.password, new_password: clientPassword() },
            { token: host.token },
          ),
      ],
      ["create call", () => send("POST", "/api/calls", { title: "t" }, { token: host.token })],
      ["list calls", () => send("GET", "/api/calls", undefined, { token: host.token })],
      ["public call", () => call(`/api/calls/${created.link}`)],
      [
        "patch call",
        () => send("PATCH", `/api/calls/${created.link}`, { title: "t" }, { token: host.token }),
      ],
      ["delete call", () => send("DELETE", `/api/calls/${created.link}`, undefined, { token: host.token })],
      ["ticket", () => send("POST", `/api/calls/${created.link}/ticket`, { display_name: "G" })],
      ["call logs", () => send("GET", "/api/call-logs", undefined, { token: host.token })],
    ];
    await databaseDown();
    try {
      for (const [name, request] of requests) {
        const started = Date.now();
        const response = await request();
        expect(response.status, name).toBe(503);
        expect(await errorOf(response), name).toEqual({
          code: "database_unavailable",
          message: expect.any(String),
        });
        expect(response.headers.get("Retry-After"), name).toBe("5");
        expect(Date.now() - started, name).toBeLessThan(5_500);
      }
      // ICE servers need no database.
      expect((await send("GET", "/api/ice-servers", undefined, { token: host.token })).status).toBe(200);
    } finally {
      await databaseUp();
    }
    const ticket = await send("POST", `/api/calls/${created.link}/ticket`, { display_name: "G" });
    expect(ticket.status).toBe(200);
    expect((await bodyOf(ticket, ticketResultSchema)).expires_in).toBe(60);
    expect((await send("GET", "/api/me", undefined, { token: host.token })).status).toBe(200);
  }, 90_000);
});
