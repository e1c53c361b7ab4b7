import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it, vi } from "vitest";
import { authResultSchema, callResultSchema, ticketResultSchema } from "../../src/protocol/rest";
import {
  bodyOf,
  call,
  clientPassword,
  createCall,
  ORIGIN,
  refreshCookie,
  send,
  signUp,
  uniqueEmail,
} from "./support/api-helpers";
import { captureConsole } from "./support/console";
import { RoomClient, roomStub } from "./support/room-client";

vi.setConfig({ testTimeout: 60_000 });

/** Every secret the Worker holds: none may reach a browser or a log line. */
function secrets(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of ["JWT_SECRET", "DATABASE_URL", "TURN_KEY_ID", "TURN_KEY_API_TOKEN"] as const) {
    const value = env[name];
    if (typeof value === "string" && value.length >= 8) found[name] = value;
  }
  return found;
}

describe("no secret in the client bundle", () => {
  it("the served HTML, scripts and styles hold no secret, no connection string and no token in a URL", async () => {
    const seen = new Set<string>();
    const queue = ["/"];
    let bytes = 0;
    const bundle: string[] = [];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await call(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      bytes += text.length;
      bundle.push(text);
      // Follow every built asset the page or a chunk names (entry, lazy routes, styles).
      for (const match of text.matchAll(/\/?assets\/[\w.-]+\.(?:js|css)/g)) {
        queue.push(match[0].startsWith("/") ? match[0] : `/${match[0]}`);
      }
      // Chunks name each other relative to /assets/ ("./Call-abc123.js").
      for (const match of text.matchAll(/["'`]\.\/([\w.-]+\.(?:js|css))["'`]/g))
        queue.push(`/assets/${match[1]}`);
    }
    expect(seen.size).toBeGreaterThan(3);
    const all = bundle.join("\n");
    // Only the offending text is shown on failure, never the whole bundle.
    const found = (pattern: RegExp) => all.match(pattern)?.[0] ?? null;
    for (const [name, value] of Object.entries(secrets())) expect(all.includes(value), name).toBe(false);
    expect(found(/postgres(?:ql)?:\/\/\S{0,40}/i)).toBeNull();
    expect(found(/JWT_SECRET|DATABASE_URL|TURN_KEY_API_TOKEN|-----BEGIN [A-Z ]*PRIVATE KEY/)).toBeNull();
    // Tokens travel in headers and bodies; the one URL credential is the 60 s call ticket.
    expect(found(/.{0,40}[?&](?:access_token|refresh_token|token)=.{0,40}/)).toBeNull();
    expect(found(/\?ticket=/)).toBe("?ticket=");
    console.log(
      `secrets: ${seen.size} served client files (${Math.round(bytes / 1024)} KiB) scanned for ` +
        `${Object.keys(secrets()).length} secrets, connection strings and tokens in URLs: 0 found`,
    );
  });
});

describe("no secret in the logs", () => {
  const { lines, restore } = captureConsole();

  it("a whole session — sign-up, login, refresh, a call, a ticket, a room, bad input, logout — logs no secret or token", async () => {
    const email = uniqueEmail("logs");
    const password = clientPassword();
    const signup = await send("POST", "/api/auth/signup", { name: "Log Watch", email, password });
    const cookie = refreshCookie(signup);
    const { access_token: token } = await bodyOf(signup, authResultSchema);
    const login = await send("POST", "/api/auth/login", { email, password });
    const loginCookie = refreshCookie(login);
    await login.body?.cancel();
    const refreshed = await send("POST", "/api/auth/refresh", undefined, { cookie });
    await refreshed.body?.cancel();
    // The rotated-out token presented again: the whole family is revoked (a logged security event).
    await (await send("POST", "/api/auth/refresh", undefined, { cookie })).body?.cancel();
    const created = await send("POST", "/api/calls", { title: "Logged" }, { token });
    const link = (await bodyOf(created, callResultSchema)).call.link;
    const ticketResponse = await send("POST", `/api/calls/${link}/ticket`, {}, { token });
    const { ticket } = await bodyOf(ticketResponse, ticketResultSchema);
    const claims = decodeJwt(ticket) as unknown as Parameters<typeof RoomClient.join>[0];
    const socket = await RoomClient.join(claims);
    await socket.next("host_joined_room");
    socket.sendRaw("not json");
    await socket.next("error");
    socket.send({ event_type: "leave_room", payload: {} });
    await socket.next("left_room");
    for (const [method, path, body] of [
      ["POST", "/api/auth/login", { email, password: "f".repeat(64) }],
      ["POST", "/api/auth/login", "{broken"],
      ["GET", `/api/me?access_token=${token}`, undefined],
      ["PATCH", `/api/calls/${link}`, { title: 42 }],
    ] as const) {
      await (await send(method, path, body, method === "PATCH" ? { token } : {})).body?.cancel();
    }
    await (await send("POST", "/api/auth/logout", undefined, { cookie: loginCookie })).body?.cancel();

    // Proof that this spy sees what the Worker and its objects log: a line written inside the room object.
    await runInDurableObject(roomStub(link), () => console.error("probe from the room"));
    expect(lines).toContain("probe from the room");

    const log = lines.join("\n");
    const forbidden: Record<string, string> = {
      ...secrets(),
      "access token": token,
      "refresh token": cookie.split("=")[1] ?? "",
      "client password value": password,
      "call ticket": ticket,
    };
    for (const [what, value] of Object.entries(forbidden)) expect(log.includes(value), what).toBe(false);
    restore();
    console.log(
      `secrets: ${lines.length} log lines from a full session checked for ${Object.keys(forbidden).length} ` +
        "secrets and tokens: 0 found",
    );
  });
});

const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "cross-origin-opener-policy": "same-origin",
};

describe("security headers on every response", () => {
  it("API answers of every status, pages, assets and the embed page all carry them", async () => {
    const host = await signUp("Header Host");
    const created = await createCall(host, { title: "Headers", allow_guests: true });
    const asset = (await (await call("/")).text()).match(/\/assets\/[\w.-]+\.js/)?.[0] ?? "/missing.js";
    const requests: [string, RequestInit?][] = [
      ["/api/health"],
      ["/api/me"],
      ["/api/me", { headers: { Authorization: `Bearer ${host.token}` } }],
      ["/api/nowhere"],
      ["/api/calls", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }],
      [
        "/api/calls",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${host.token}` },
          body: "{}",
        },
      ],
      [
        "/api/auth/signup",
        { method: "POST", headers: { "Content-Type": "application/json" }, body: "x".repeat(20_000) },
      ],
      [`/api/calls/${created.link}`],
      [`/api/calls/${created.link}/ws?ticket=nope`, { headers: { Upgrade: "websocket" } }],
      [
        "/api/calls",
        {
          method: "OPTIONS",
          headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
        },
      ],
      ["/"],
      ["/login"],
      [`/call/${created.link}`],
      ["/no/such/page"],
      [asset],
      [`/embed/${created.link}`],
    ];
    const statuses = new Set<number>();
    for (const [path, init] of requests) {
      const response = await exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
      statuses.add(response.status);
      const headers = response.headers;
      for (const [name, value] of Object.entries(COMMON_HEADERS))
        expect(headers.get(name), `${name} on ${path}`).toBe(value);
      expect(headers.get("permissions-policy"), path).toContain("camera=(self)");
      const csp = headers.get("content-security-policy") ?? "";
      expect(csp, `CSP on ${path}`).not.toBe("");
      if (path.startsWith("/embed/")) {
        // Framed by the call's own origins only: the CSP names them instead of X-Frame-Options.
        expect(headers.get("x-frame-options")).toBeNull();
        expect(csp).toMatch(/frame-ancestors [^;]+/);
      } else {
        expect(headers.get("x-frame-options"), path).toBe("DENY");
        expect(csp, path).toContain("frame-ancestors 'none'");
      }
      if (path.startsWith("/api/")) {
        expect(headers.get("cache-control"), path).toContain("no-store");
        expect(csp).toBe("default-src 'none'; frame-ancestors 'none'");
      }
      // A foreign origin is never told it may read the answer.
      expect(headers.get("access-control-allow-origin"), path).not.toBe("https://evil.example");
      await response.body?.cancel();
    }
    console.log(
      `headers: ${requests.length} responses (statuses ${[...statuses].sort().join(", ")}) all carry the security headers`,
    );
  });
});

describe("security headers on static files served without the Worker", () => {
  // In production only /api/* and /embed* run the Worker first; pages and assets come straight from the
  // assets service with client/public/_headers applied.
  it("pages, the SPA fallback and assets carry nosniff, referrer policy, framing denial, CSP, permissions and HSTS", async () => {
    const asset = (await (await env.ASSETS.fetch(new Request(`${ORIGIN}/`))).text()).match(
      /\/assets\/[\w.-]+\.js/,
    )?.[0];
    const paths = ["/", "/login", "/call/some-call-abcdefghij", "/favicon.svg", asset ?? "/missing.js"];
    for (const path of paths) {
      const response = await env.ASSETS.fetch(
        new Request(`${ORIGIN}${path}`, { headers: { "Sec-Fetch-Mode": "navigate" } }),
      );
      expect(response.status, path).toBe(200);
      const headers = response.headers;
      expect(headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(headers.get("x-frame-options"), path).toBe("DENY");
      expect(headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(headers.get("content-security-policy"), path).toContain("script-src 'self'");
      expect(headers.get("permissions-policy"), path).toContain("camera=(self)");
      expect(headers.get("strict-transport-security"), path).toBe("max-age=63072000; includeSubDomains");
      await response.body?.cancel();
    }
  });
});

describe("cookies and tokens", () => {
  const REFRESH_FLAGS =
    /^vcme_refresh=[^;]+; Max-Age=2592000; Path=\/api\/auth; HttpOnly; Secure; SameSite=Lax$/;

  const MARKER_FLAGS = /^vcme_session=1; Max-Age=2592000; Path=\/; Secure; SameSite=Lax$/;

  it("the refresh cookie has the promised flags on sign-up, login and refresh, beside a readable marker that holds no secret; logout clears both on their paths; no other cookie is set", async () => {
    const email = uniqueEmail("cookie");
    const password = clientPassword();
    const responses = {
      signup: await send("POST", "/api/auth/signup", { name: "Cookie", email, password }),
      login: await send("POST", "/api/auth/login", { email, password }),
    };
    const refresh = await send("POST", "/api/auth/refresh", undefined, {
      cookie: refreshCookie(responses.login),
    });
    for (const [what, response] of Object.entries({ ...responses, refresh })) {
      const cookies = response.headers.getAll("Set-Cookie");
      expect(cookies, what).toHaveLength(2);
      expect(cookies[0], what).toMatch(REFRESH_FLAGS);
      expect(cookies[1], what).toMatch(MARKER_FLAGS);
      // The refresh token lives only in the cookie, never in a body a script could read.
      const body = await response.text();
      expect(body.includes(cookies[0]?.split(";")[0]?.split("=")[1] ?? "?"), what).toBe(false);
    }
    const logout = await send("POST", "/api/auth/logout", undefined, { cookie: refreshCookie(refresh) });
    const cleared = logout.headers.getAll("Set-Cookie");
    expect(cleared).toHaveLength(2);
    expect(cleared[0]).toMatch(/^vcme_refresh=; Max-Age=0; Path=\/api\/auth; HttpOnly; Secure; SameSite=Lax/);
    expect(cleared[1]).toMatch(/^vcme_session=; Max-Age=0; Path=\/; Secure; SameSite=Lax/);
  });

  it("URLs carry no token: join and socket URLs have none, the ticket lives 60 s, and tokens in a query string are ignored", async () => {
    const host = await signUp("Url Host");
    const created = await createCall(host, { title: "Urls", allow_guests: true });
    expect(created.join_url).not.toMatch(/token|ticket|eyJ/);
    const ticketResponse = await send("POST", `/api/calls/${created.link}/ticket`, {}, { token: host.token });
    const result = await bodyOf(ticketResponse, ticketResultSchema);
    expect(result.ws_url).toBe(`wss://vcme.test/api/calls/${created.link}/ws`);
    expect(result.expires_in).toBe(60);
    const { exp, iat } = decodeJwt(result.ticket);
    expect((exp ?? 0) - (iat ?? 0)).toBe(60);
    // An access token is not a ticket, and no endpoint reads a token from its query string.
    const withAccess = await call(`/api/calls/${created.link}/ws?ticket=${host.token}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(withAccess.status).toBe(401);
    await withAccess.body?.cancel();
    for (const query of ["access_token", "token", "jwt"]) {
      const response = await call(`/api/me?${query}=${host.token}`);
      expect(response.status, query).toBe(401);
      await response.body?.cancel();
    }
    // No answer redirects anywhere with a token.
    const page = await call(`/call/${created.link}`);
    expect(page.headers.get("location")).toBeNull();
    await page.body?.cancel();
  });
});
