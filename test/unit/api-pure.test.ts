import fc from "fast-check";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { hashClientPassword } from "../../src/domain/accounts";
import { newCallLink, slugify } from "../../src/domain/links";
import { locationHintFor } from "../../src/domain/location";
import { decodeCursor, encodeCursor } from "../../src/domain/pagination";
import { constantTimeEqual } from "../../src/domain/secrets";
import type { AppEnv } from "../../src/http/context";
import { cors } from "../../src/http/middleware/cors";
import { rateLimits } from "../../src/http/middleware/rate-limit";
import { securityHeaders } from "../../src/http/middleware/security-headers";
import { passwordSalt, stretchPassword } from "../../src/protocol/password";
import { embedOriginsSchema, linkSchema, signupBodySchema } from "../../src/protocol/rest";

describe("the client password stretch", () => {
  // Expected values computed independently with OpenSSL (Node's crypto.pbkdf2Sync / createHash).
  it("is hex PBKDF2-SHA-256(password, 'vcme:' + lowercased email, 600 000, 32 bytes)", async () => {
    expect(await stretchPassword("pässwörd 🔑", "  Ada@Example.COM ")).toBe(
      "8cf7bf59468e934a2fc124a3ef15e4fdd8684a3e14107f0e68a113bd4d56fe95",
    );
    expect(passwordSalt(" Ada@Example.COM")).toBe("vcme:ada@example.com");
  });
});

describe("the server password hash", () => {
  it("is SHA-256 of the salt bytes followed by the client value bytes", async () => {
    expect(await hashClientPassword("00112233445566778899aabbccddeeff", "ab".repeat(32))).toBe(
      "aa538cc0dc3e7ed2416d623ba139c7cbb2a6f340cae89a0daab0f6f6135dcb9b",
    );
  });

  it("compares in constant time and still answers correctly", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});

describe("call links", () => {
  it("slugify keeps readable ASCII words", () => {
    expect(slugify("  Weekly Sync: Café & Ünïcode!  ")).toBe("weekly-sync-cafe-unicode");
    expect(slugify("🎉🎉")).toBe("call");
    expect(slugify("a".repeat(100))).toHaveLength(40);
  });

  it("every new link is a valid, URL-safe slug with 16 random base32 characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (title) => {
        const link = newCallLink(title);
        expect(link).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-[a-z2-7]{16}$/);
        expect(linkSchema.safeParse(link).success).toBe(true);
        expect(encodeURIComponent(link)).toBe(link);
      }),
    );
  });

  it("links of the same title differ", () => {
    const links = new Set(Array.from({ length: 1000 }, () => newCallLink("same")));
    expect(links.size).toBe(1000);
  });
});

describe("location hints", () => {
  it.each([
    [{ continent: "NA", longitude: "-122.4" }, "wnam"],
    [{ continent: "NA", longitude: "-74.0" }, "enam"],
    [{ continent: "NA" }, "enam"],
    [{ continent: "SA", country: "BR" }, "sam"],
    [{ continent: "EU", country: "DE" }, "weur"],
    [{ continent: "EU", country: "PL" }, "eeur"],
    [{ continent: "AS", country: "JP" }, "apac"],
    [{ continent: "AS", country: "AE" }, "me"],
    [{ continent: "OC", country: "AU" }, "oc"],
    [{ continent: "AF", country: "NG" }, "afr"],
    [{ continent: "AN" }, null],
    [{}, null],
    [undefined, null],
    ["not an object", null],
  ])("maps %j to %s", (cf, hint) => {
    expect(locationHintFor(cf)).toBe(hint);
  });
});

describe("cursors", () => {
  it("round-trip and refuse anything else", () => {
    const cursor = { at: "2026-01-10T09:00:00.123456Z", id: "0b7c3f5e-8f0a-4c1e-9a3b-2d4e6f8a0b1c" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const bad of ["", "garbage", btoa("[1,2]"), btoa('["2026-01-01T00:00:00Z","x"]'), "%%%"]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});

describe("rate limit settings", () => {
  it("take overrides of the form rule=limit/seconds and ignore the malformed", () => {
    const limits = rateLimits("login_ip=3/2, signup_ip = 1 / 60, nope=1/1, ticket_ip=0/5, refresh_ip=x");
    expect(limits.login_ip).toEqual({ limit: 3, windowSeconds: 2 });
    expect(limits.signup_ip).toEqual({ limit: 1, windowSeconds: 60 });
    expect(limits.ticket_ip).toEqual(rateLimits(undefined).ticket_ip);
    expect(limits.refresh_ip).toEqual(rateLimits("").refresh_ip);
  });

  it("scale every limit by RATE_LIMIT_SCALE, with explicit overrides still winning", () => {
    const base = rateLimits(undefined);
    const scaled = rateLimits("login_ip=3/2", "100");
    expect(scaled.signup_ip).toEqual({
      limit: base.signup_ip.limit * 100,
      windowSeconds: base.signup_ip.windowSeconds,
    });
    expect(scaled.login_ip).toEqual({ limit: 3, windowSeconds: 2 });
    expect(rateLimits(undefined, "nonsense")).toEqual(base);
    expect(rateLimits(undefined, "-2")).toEqual(base);
  });
});

describe("REST input schemas", () => {
  it("accept https origins (http only for loopback) and normalise them", () => {
    const parsed = embedOriginsSchema.safeParse([
      "https://Example.com/",
      "https://example.com",
      "https://a.example:8443",
      "http://localhost:5173",
      "http://127.0.0.1:8787",
    ]);
    expect(parsed.data).toEqual([
      "https://example.com",
      "https://a.example:8443",
      "http://localhost:5173",
      "http://127.0.0.1:8787",
    ]);
  });

  it.each([
    "http://example.com",
    "https://example.com/path",
    "https://example.com?q=1",
    "https://user:pw@example.com",
    "ftp://example.com",
    "example.com",
    "https://*.example.com",
    "https://a;b.example.com",
    "https://example.com; script-src *",
    "https://a b.example.com",
  ])("refuse the embed origin %s", (origin) => {
    expect(embedOriginsSchema.safeParse([origin]).success).toBe(false);
  });

  it("trim names and emails, lowercase the password value, and refuse unknown fields", () => {
    const parsed = signupBodySchema.safeParse({
      name: "  Ada ",
      email: " a@b.co ",
      password: "AB".repeat(32),
    });
    expect(parsed.data).toEqual({ name: "Ada", email: "a@b.co", password: "ab".repeat(32) });
    expect(
      signupBodySchema.safeParse({ name: "A", email: "a@b.co", password: "ab".repeat(32), x: 1 }).success,
    ).toBe(false);
  });
});

describe("CORS", () => {
  const app = new Hono<AppEnv>().use(cors()).post("/api/x", (c) => c.json({ ok: true }));
  const env = { CORS_ORIGINS: "https://partner.example, https://other.example/" } as AppEnv["Bindings"];
  const preflight = (origin: string) =>
    app.request(
      "/api/x",
      { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST" } },
      env,
    );

  it("allows exactly the configured origins, with credentials", async () => {
    const allowed = await preflight("https://partner.example");
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://partner.example");
    expect(allowed.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect((await preflight("https://other.example")).headers.get("Access-Control-Allow-Origin")).toBe(
      "https://other.example",
    );
  });

  it("gives nothing to any other origin", async () => {
    for (const origin of ["https://evil.example", "https://partner.example.evil.com", "null"]) {
      expect((await preflight(origin)).headers.get("Access-Control-Allow-Origin")).toBeNull();
    }
  });
});

describe("security headers", () => {
  const app = new Hono<AppEnv>()
    .use(securityHeaders())
    .get("/api/x", (c) => c.json({ ok: true }))
    .get("/embed/:link", (c) => c.html("<p>embedded</p>"))
    .get("/page", (c) => c.html("<p>app</p>"));
  const production = { APP_ENV: "production" } as AppEnv["Bindings"];

  it("add HSTS only in production", async () => {
    const prod = await app.request("https://vcme.example/api/x", {}, production);
    expect(prod.headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+/);
    const dev = await app.request("https://vcme.example/api/x", {}, {
      APP_ENV: "development",
    } as AppEnv["Bindings"]);
    expect(dev.headers.get("Strict-Transport-Security")).toBeNull();
  });

  it("leave framing of /embed to the embed page but still set nosniff and the referrer policy", async () => {
    const embed = await app.request("https://vcme.example/embed/some-call", {}, production);
    expect(embed.headers.get("X-Frame-Options")).toBeNull();
    expect(embed.headers.get("Content-Security-Policy")).toBeNull();
    expect(embed.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(embed.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
  });

  it("give app pages the app CSP with sockets to their own host", async () => {
    const page = await app.request("https://vcme.example/page", {}, production);
    expect(page.headers.get("Content-Security-Policy")).toContain("connect-src 'self' wss://vcme.example");
    expect(page.headers.get("X-Frame-Options")).toBe("DENY");
  });
});
