// TURN credentials for a TURN server of one's own (coturn `use-auth-secret`), minted by the Worker with the
// shared secret. That a real coturn accepts them is proven by the network lab (test/net); here: the scheme,
// the lifetime, who gets them, which configuration wins, and that the secret never leaves the Worker.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { iceServersFor, ownTurnTtl, turnPassword } from "../../src/domain/ice-servers";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import { type IceServersResult, ticketResultSchema } from "../../src/protocol/rest";
import { bodyOf, createCall, ORIGIN, send, signUp } from "./support/api-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const SECRET = "lab-shared-secret";
const OWN = {
  TURN_SHARED_SECRET: SECRET,
  TURN_URLS: "turn:198.18.0.2:3478?transport=udp, turn:198.18.0.2:3478?transport=tcp",
};

describe("TURN REST API credentials (TURN_SHARED_SECRET + TURN_URLS)", () => {
  it("computes the password as base64(HMAC-SHA1(secret, username)) (checked against Node's crypto)", async () => {
    // node -e 'crypto.createHmac("sha1","lab-shared-secret").update("1700000000:0123456789abcdef01234567").digest("base64")'
    expect(await turnPassword(SECRET, "1700000000:0123456789abcdef01234567")).toBe(
      "NAlD3WKEzFgR7g8Yenb5AKxGxjw=",
    );
  });

  it("mints `<expiry>:<opaque id>` with its password, the servers' STUN, and the expiry (8 h by default)", async () => {
    const now = Date.parse("2026-12-03T12:00:00.500Z");
    const result = await iceServersFor(OWN, now);
    const expiry = Math.floor(now / 1000) + 8 * 3600;
    expect(result).toEqual({
      ice_servers: [
        { urls: ["stun:198.18.0.2:3478"] },
        {
          urls: ["turn:198.18.0.2:3478?transport=udp", "turn:198.18.0.2:3478?transport=tcp"],
          username: expect.stringMatching(new RegExp(`^${expiry}:[0-9a-f]{24}$`)),
          credential: expect.any(String),
        },
      ],
      expires_at: new Date(expiry * 1000).toISOString(),
    });
    const turn = result.ice_servers[1];
    expect(turn?.credential).toBe(await turnPassword(SECRET, turn?.username ?? ""));
    // Every request gets its own opaque id.
    const again = await iceServersFor(OWN, now);
    expect(again.ice_servers[1]?.username).not.toBe(turn?.username);
  });

  it("honours TURN_TTL_SECONDS, and ignores a lifetime out of bounds or not a whole number", async () => {
    const now = 1_800_000_000_000;
    const short = await iceServersFor({ ...OWN, TURN_TTL_SECONDS: "60" }, now);
    expect(short.expires_at).toBe(new Date(now + 60_000).toISOString());
    expect(short.ice_servers[1]?.username?.startsWith(`${now / 1000 + 60}:`)).toBe(true);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const bad of ["59", "1.5", "soon", "-60", `${8 * 24 * 3600}`])
      expect(ownTurnTtl(bad), bad).toBe(28_800);
    expect(ownTurnTtl("")).toBe(28_800);
    expect(ownTurnTtl("604800")).toBe(604_800);
    expect(errors).toHaveBeenCalledTimes(5);
  });

  it("wins over a Cloudflare TURN key (no request leaves the Worker) and uses STUN_URLS when given", async () => {
    const turn = inject("turnStandIn");
    const fetcher = vi.fn(fetch);
    const result = await iceServersFor(
      {
        ...OWN,
        STUN_URLS: "stun:198.18.0.3:3478",
        TURN_KEY_ID: turn.keyId,
        TURN_KEY_API_TOKEN: turn.token,
        TURN_API_BASE: turn.base,
      },
      Date.now(),
      fetcher,
    );
    expect(fetcher).not.toHaveBeenCalled();
    expect(result.ice_servers.map((s) => s.urls)).toEqual([
      ["stun:198.18.0.3:3478"],
      ["turn:198.18.0.2:3478?transport=udp", "turn:198.18.0.2:3478?transport=tcp"],
    ]);
  });

  it("keeps only valid turn:/turns: URLs; with none left it falls back to the Cloudflare key or STUN", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const some = await iceServersFor({
      TURN_SHARED_SECRET: SECRET,
      TURN_URLS: "https://evil.example,turns:turn.example.org:5349?transport=tcp,turn:bad host:1",
    });
    expect(some.ice_servers).toEqual([
      // A turns: server gives no plain STUN URL of its own: STUN stays Cloudflare's default.
      {
        urls: ["turns:turn.example.org:5349?transport=tcp"],
        username: expect.any(String),
        credential: expect.any(String),
      },
    ]);
    const turn = inject("turnStandIn");
    const cloudflare = await iceServersFor({
      TURN_SHARED_SECRET: SECRET,
      TURN_URLS: "stun:only.example:3478",
      TURN_KEY_ID: turn.keyId,
      TURN_KEY_API_TOKEN: turn.token,
      TURN_API_BASE: turn.base,
    });
    expect(cloudflare.ice_servers[1]?.username).toMatch(/^stand-in-user-/);
    const none = await iceServersFor({ TURN_SHARED_SECRET: SECRET, STUN_URLS: "stun:198.18.0.2:3478" });
    expect(none.ice_servers).toEqual([{ urls: ["stun:198.18.0.2:3478"] }]);
    for (const args of errors.mock.calls) expect(JSON.stringify(args)).not.toContain(SECRET);
  });
});

describe("GET /api/ice-servers with a TURN server of one's own", () => {
  /** The Worker as deployed, with the own-TURN secrets added to the test bindings. */
  async function ask(token: string | null): Promise<Response> {
    const app = createApp();
    const ctx = createExecutionContext();
    const request = new Request(`${ORIGIN}/api/ice-servers`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    const response = await app.fetch(request, { ...(env as unknown as Env), ...OWN }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it("gives a ticket holder and a signed-in user fresh credentials, refuses anyone else, never the secret", async () => {
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(JSON.stringify(args));
      });
    const host = await signUp("Host Tara");
    const created = await createCall(host, { allow_guests: true });
    const { ticket } = await bodyOf(
      await send("POST", `/api/calls/${created.link}/ticket`, { display_name: "Gus" }),
      ticketResultSchema,
    );
    for (const token of [ticket, host.token]) {
      const response = await ask(token);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const text = await response.text();
      expect(text).not.toContain(SECRET);
      const body = JSON.parse(text) as IceServersResult;
      const turn = body.ice_servers.find((s) => s.username !== undefined);
      expect(turn?.credential).toBe(await turnPassword(SECRET, turn?.username ?? ""));
      expect(Date.parse(body.expires_at)).toBe(Number(turn?.username?.split(":")[0]) * 1000);
    }
    for (const token of [null, "not-a-token", `${ticket.slice(0, -4)}AAAA`]) {
      const response = await ask(token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("turn:");
    }
    for (const line of logged) expect(line).not.toContain(SECRET);
  });
});
