import { describe, expect, it } from "vitest";
import { call, clientPassword, createCall, errorOf, send, signUp, uniqueEmail } from "./support/api-helpers";
import { expectRateLimited, freshIp } from "./support/limits";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The tests run with RATE_LIMITS="signup_ip=3/2,login_ip=3/2,login_account_ip=2/60,refresh_ip=3/2,ticket_ip=3/2"
// (vitest config).
describe("rate limits", () => {
  it("answers the 4th sign-up from one address within the window with 429 and Retry-After, then recovers", async () => {
    const ip = freshIp();
    const signup = () =>
      send(
        "POST",
        "/api/auth/signup",
        { name: "Spammer", email: uniqueEmail(), password: clientPassword() },
        { headers: { "CF-Connecting-IP": ip } },
      );
    for (let i = 0; i < 3; i++) expect((await signup()).status).toBe(201);
    const retryAfter = await expectRateLimited(await signup(), 2);
    // Another address is not affected.
    expect(
      (
        await send(
          "POST",
          "/api/auth/signup",
          { name: "Other", email: uniqueEmail(), password: clientPassword() },
          { headers: { "CF-Connecting-IP": freshIp() } },
        )
      ).status,
    ).toBe(201);
    await wait(retryAfter * 1000 + 100);
    expect((await signup()).status).toBe(201);
  });

  it("limits login attempts per address across accounts, before the password is even checked", async () => {
    const person = await signUp();
    const ip = freshIp();
    const login = (email: string, password: string) =>
      send("POST", "/api/auth/login", { email, password }, { headers: { "CF-Connecting-IP": ip } });
    for (let i = 0; i < 3; i++) expect((await login(uniqueEmail(), clientPassword())).status).toBe(401);
    const retryAfter = await expectRateLimited(await login(person.email, person.password), 2);
    await wait(retryAfter * 1000 + 100);
    expect((await login(person.email, person.password)).status).toBe(200);
  });

  it("counts failed logins per account and address: ten addresses failing for an email do not lock its owner out, an address that keeps failing is refused", async () => {
    const owner = await signUp();
    const login = (password: string, ip: string) =>
      send(
        "POST",
        "/api/auth/login",
        { email: owner.email.toUpperCase(), password },
        { headers: { "CF-Connecting-IP": ip } },
      );
    const attackers = Array.from({ length: 10 }, freshIp);
    for (const ip of attackers) expect((await login(clientPassword(), ip)).status).toBe(401);
    // The owner, from an address that has not been failing for the account, gets in.
    expect((await login(owner.password, freshIp())).status).toBe(200);
    // An attacker's address that has failed twice for it (login_account_ip=2/60 here) is refused even
    // with the right password, and says when to retry.
    const failing = attackers[0] ?? "";
    expect((await login(clientPassword(), failing)).status).toBe(401);
    await expectRateLimited(await login(owner.password, failing), 60);
    // The refusal is that address's alone: the owner elsewhere still gets in.
    expect((await login(owner.password, freshIp())).status).toBe(200);
  });

  it("limits refreshes and tickets per address", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const ip = freshIp();
    const headers = { "CF-Connecting-IP": ip };
    const tickets: number[] = [];
    for (let i = 0; i < 4; i++) {
      tickets.push(
        (await send("POST", `/api/calls/${created.link}/ticket`, { display_name: "G" }, { headers })).status,
      );
    }
    expect(tickets).toEqual([200, 200, 200, 429]);
    const refreshes: number[] = [];
    for (let i = 0; i < 4; i++) {
      refreshes.push(
        (await send("POST", "/api/auth/refresh", undefined, { headers, cookie: "vcme_refresh=x" })).status,
      );
    }
    expect(refreshes).toEqual([401, 401, 401, 429]);
  });
});

describe("request bodies", () => {
  it("refuses a body over 16 KiB with 413 payload_too_large, before parsing it", async () => {
    const host = await signUp();
    const response = await send(
      "POST",
      "/api/calls",
      { title: "big", description: "x".repeat(20_000) },
      { token: host.token },
    );
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toEqual({ code: "payload_too_large", message: expect.any(String) });
  });

  it("refuses an oversized body sent without a Content-Length (streamed)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(8192));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
    });
    expect(response.status).toBe(413);
  });
});

describe("content type", () => {
  it("refuses a JSON body not labelled application/json (as an HTML form would send it) with 400", async () => {
    const response = await call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ email: uniqueEmail(), password: clientPassword() }),
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: "validation_failed",
      message: expect.stringMatching(/application\/json/),
    });
  });
});

describe("CORS", () => {
  it("gives no CORS permission to an origin that is not configured", async () => {
    const preflight = await call("/api/auth/login", {
      method: "OPTIONS",
      headers: {
        Origin: "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const simple = await call("/api/health", { headers: { Origin: "https://evil.example" } });
    expect(simple.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("security headers", () => {
  it("are on API answers, errors included", async () => {
    for (const response of [await call("/api/health"), await call("/api/me"), await call("/api/nothing")]) {
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
      expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      // Tests run with APP_ENV=test: no HSTS outside production.
      expect(response.headers.get("Strict-Transport-Security")).toBeNull();
    }
  });

  it("are on the app pages the Worker serves, with the app's CSP", async () => {
    const response = await call("/some/screen");
    expect(response.status).toBe(200);
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' wss://vcme.test");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});
