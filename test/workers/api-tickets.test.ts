import { env, exports } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, inject, it } from "vitest";
import { issueAccessToken } from "../../src/domain/access-tokens";
import { iceServersFor } from "../../src/domain/ice-servers";
import { issueTicket, verifyTicket } from "../../src/domain/tickets";
import { callResultSchema, iceServersResultSchema, ticketResultSchema } from "../../src/protocol/rest";
import { bodyOf, call, createCall, errorOf, send, signUp } from "./support/api-helpers";
import { forgedAccessTokens } from "./support/forged-tokens";

describe("POST /api/calls/:link/ticket", () => {
  it("gives a signed-in user a 60 s ticket bound to the call, with everything the room needs", async () => {
    const host = await signUp("Host Hugo");
    const created = await createCall(host, { title: "Planning" });
    const response = await send("POST", `/api/calls/${created.link}/ticket`, undefined, {
      token: host.token,
    });
    expect(response.status).toBe(200);
    const body = await bodyOf(response, ticketResultSchema);
    expect(body).toEqual({
      ticket: expect.any(String),
      expires_in: 60,
      ws_url: `wss://vcme.test/api/calls/${created.link}/ws`,
    });
    const claims = await verifyTicket(env.JWT_SECRET, body.ticket, created.link);
    expect(claims).toEqual({
      sub: host.user.id,
      name: "Host Hugo",
      guest: false,
      call_id: created.id,
      call_link: created.link,
      call_title: "Planning",
      host_user_id: host.user.id,
    });
    const { exp, iat } = decodeJwt(body.ticket);
    expect((exp ?? 0) - (iat ?? 0)).toBe(60);
    expect(await verifyTicket(env.JWT_SECRET, body.ticket, "another-call-abcdefghijklmnop")).toBeNull();
  });

  it("carries the location hint chosen from where the host created the call", async () => {
    const host = await signUp();
    const created = await exports.default.fetch(
      new Request("https://vcme.test/api/calls", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${host.token}` },
        body: JSON.stringify({ title: "From Warsaw" }),
        cf: { continent: "EU", country: "PL" },
      }),
    );
    const { call: made } = await bodyOf(created, callResultSchema);
    const response = await send("POST", `/api/calls/${made.link}/ticket`, undefined, { token: host.token });
    const claims = await verifyTicket(
      env.JWT_SECRET,
      (await bodyOf(response, ticketResultSchema)).ticket,
      made.link,
    );
    expect(claims?.location_hint).toBe("eeur");
  });

  it("gives another signed-in user a participant ticket under their own account name", async () => {
    const host = await signUp();
    const guestUser = await signUp("Other Olga");
    const created = await createCall(host);
    const response = await send(
      "POST",
      `/api/calls/${created.link}/ticket`,
      { display_name: "ignored for accounts" },
      { token: guestUser.token },
    );
    const claims = await verifyTicket(
      env.JWT_SECRET,
      (await bodyOf(response, ticketResultSchema)).ticket,
      created.link,
    );
    expect(claims).toMatchObject({
      sub: guestUser.user.id,
      name: "Other Olga",
      guest: false,
      host_user_id: host.user.id,
    });
  });

  it("gives a guest a ticket with a guest identity when the call allows guests", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const response = await send("POST", `/api/calls/${created.link}/ticket`, {
      display_name: "  Guest <b>Gus</b> 🦊 ",
    });
    expect(response.status).toBe(200);
    const claims = await verifyTicket(
      env.JWT_SECRET,
      (await bodyOf(response, ticketResultSchema)).ticket,
      created.link,
    );
    expect(claims).toMatchObject({
      sub: expect.stringMatching(/^guest:[0-9a-f-]{36}$/),
      name: "Guest <b>Gus</b> 🦊",
      guest: true,
      host_user_id: host.user.id,
    });
  });

  it("refuses a guest when the call is for signed-in people only (401)", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: false });
    const response = await send("POST", `/api/calls/${created.link}/ticket`, { display_name: "Gus" });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });

  it("asks a guest for a display name (422) and validates it", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    for (const body of [
      undefined,
      {},
      { display_name: "   " },
      { display_name: "x".repeat(81) },
      { display_name: 7 },
    ]) {
      const response = await send("POST", `/api/calls/${created.link}/ticket`, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(response)).details?.fields).toHaveProperty("display_name");
    }
    const broken = await send("POST", `/api/calls/${created.link}/ticket`, "{nope");
    expect(broken.status).toBe(400);
  });

  it("answers 404 for an unknown call", async () => {
    const host = await signUp();
    const response = await send("POST", "/api/calls/gone-abcdefghijklmnop/ticket", {}, { token: host.token });
    expect(response.status).toBe(404);
  });

  it("refuses forged or expired access tokens instead of treating the caller as a guest", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const forged = await forgedAccessTokens(host.user.id, crypto.randomUUID());
    for (const [kind, token] of Object.entries(forged)) {
      const response = await send(
        "POST",
        `/api/calls/${created.link}/ticket`,
        { display_name: "x" },
        { token },
      );
      expect(response.status, kind).toBe(401);
    }
  });

  it("opens the call's room socket with the ticket, and the room refuses a forged one", async () => {
    const host = await signUp();
    const created = await createCall(host);
    const { ticket, ws_url } = await bodyOf(
      await send("POST", `/api/calls/${created.link}/ticket`, {}, { token: host.token }),
      ticketResultSchema,
    );
    const url = `${ws_url.replace(/^wss:/, "https:")}?ticket=`;
    const ok = await exports.default.fetch(new Request(url + ticket, { headers: { Upgrade: "websocket" } }));
    expect(ok.status).toBe(101);
    ok.webSocket?.accept();
    ok.webSocket?.close(1000);
    const forged = `${ticket.slice(0, -4)}AAAA`;
    const refused = await exports.default.fetch(
      new Request(url + forged, { headers: { Upgrade: "websocket" } }),
    );
    expect(refused.status).toBe(401);
  });
});

describe("GET /api/ice-servers", () => {
  it("gives a signed-in user Cloudflare's STUN server when no TURN key is configured", async () => {
    const person = await signUp();
    const response = await send("GET", "/api/ice-servers", undefined, { token: person.token });
    expect(response.status).toBe(200);
    const body = await bodyOf(response, iceServersResultSchema);
    expect(body.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("accepts a call ticket (a guest has no access token)", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const { ticket } = await bodyOf(
      await send("POST", `/api/calls/${created.link}/ticket`, { display_name: "Gus" }),
      ticketResultSchema,
    );
    const response = await send("GET", "/api/ice-servers", undefined, { token: ticket });
    expect(response.status).toBe(200);
  });

  it("refuses no token, forged tokens and expired tickets", async () => {
    const person = await signUp();
    expect((await call("/api/ice-servers")).status).toBe(401);
    const forged = await forgedAccessTokens(person.user.id, crypto.randomUUID());
    delete forged["call ticket"];
    forged["expired ticket"] = await issueTicket(
      env.JWT_SECRET,
      {
        sub: person.user.id,
        name: "n",
        guest: false,
        call_id: crypto.randomUUID(),
        call_link: "old-call-abcdefghijklmnop",
        call_title: "t",
        host_user_id: person.user.id,
      },
      Date.now() - 120_000,
    );
    forged["ticket signed elsewhere"] = (await issueAccessToken("x".repeat(40), {
      userId: person.user.id,
      sessionFamily: "f",
    })) as string;
    for (const [kind, token] of Object.entries(forged)) {
      const response = await send("GET", "/api/ice-servers", undefined, { token });
      expect(response.status, kind).toBe(401);
      expect((await errorOf(response)).code).toBe("unauthorized");
    }
  });
});

describe("TURN credentials (against a local stand-in of Cloudflare's generate-ice-servers API)", () => {
  const turn = inject("turnStandIn");

  it("mints short-lived TURN credentials with the key and returns them with their expiry", async () => {
    const now = Date.now();
    const result = await iceServersFor(
      { TURN_KEY_ID: turn.keyId, TURN_KEY_API_TOKEN: turn.token, TURN_API_BASE: turn.base },
      now,
    );
    expect(result.ice_servers).toEqual([
      { urls: ["stun:stun.cloudflare.com:3478"] },
      {
        urls: [
          "turn:turn.cloudflare.com:3478?transport=udp",
          "turn:turn.cloudflare.com:3478?transport=tcp",
          "turns:turn.cloudflare.com:5349?transport=tcp",
          "turns:turn.cloudflare.com:443?transport=tcp",
        ],
        username: expect.stringMatching(/^stand-in-user-\d+-ttl-28800$/),
        credential: expect.stringMatching(/^stand-in-credential-\d+$/),
      },
    ]);
    expect(result.expires_at).toBe(new Date(now + 8 * 3600 * 1000).toISOString());
    expect(JSON.stringify(result)).not.toContain(turn.token);
  });

  it("falls back to STUN when the API refuses the key (nothing leaks, the join still works)", async () => {
    const result = await iceServersFor({
      TURN_KEY_ID: turn.keyId,
      TURN_KEY_API_TOKEN: "wrong-token",
      TURN_API_BASE: turn.base,
    });
    expect(result.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
  });

  it("falls back to STUN when the API is unreachable", async () => {
    const result = await iceServersFor({
      TURN_KEY_ID: turn.keyId,
      TURN_KEY_API_TOKEN: turn.token,
      TURN_API_BASE: "http://127.0.0.1:1/v1",
    });
    expect(result.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
  });

  it("uses STUN only when either half of the key is missing", async () => {
    const result = await iceServersFor({ TURN_KEY_ID: turn.keyId, TURN_API_BASE: turn.base });
    expect(result.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
  });
});
