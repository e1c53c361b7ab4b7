import { describe, expect, it } from "vitest";
import { EMBED_SCRIPT, EMBED_SCRIPT_ETAG } from "../../src/embed/script.generated";
import { callResultSchema } from "../../src/protocol/rest";
import { bodyOf, call, createCall, errorOf, send, signUp } from "./support/api-helpers";

function directive(response: Response, name: string): string | undefined {
  return response.headers
    .get("content-security-policy")
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));
}

describe("/embed/:link, the call page for iframes", () => {
  it("may be framed exactly by the call's embed origins, and carries the app page's other protections", async () => {
    const host = await signUp("Embedding Erin");
    const created = await createCall(host, {
      title: "Support desk",
      allow_guests: true,
      embed_origins: ["https://shop.example.com", "http://localhost:8788"],
    });
    const response = await call(`/embed/${created.link}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(directive(response, "frame-ancestors")).toBe(
      "frame-ancestors https://shop.example.com http://localhost:8788",
    );
    expect(directive(response, "script-src")).toBe("script-src 'self'");
    expect(response.headers.get("x-frame-options")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("no-store");
    // The framed page must be able to use what the iframe's allow= grants it.
    expect(response.headers.get("permissions-policy")).toMatch(/camera=\(self\)/);
    expect(response.headers.get("permissions-policy")).toMatch(/microphone=\(self\)/);
    expect(response.headers.get("permissions-policy")).toMatch(/display-capture=\(self\)/);
    const html = await response.text();
    expect(html).toContain('<div id="app">');
    expect(html).toContain(
      '<meta name="vcme-embed-origins" content="https://shop.example.com http://localhost:8788">',
    );
  });

  it("cannot be framed by anyone when the call lists no origins", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "Private" });
    const response = await call(`/embed/${created.link}`);
    expect(response.status).toBe(200);
    expect(directive(response, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(await response.text()).toContain('<meta name="vcme-embed-origins" content="">');
  });

  it("cannot be framed for an unknown call or a malformed link", async () => {
    for (const path of [
      "/embed/no-such-call-aaaaaaaaaaaaaaaa",
      "/embed/NOT%20A%20LINK",
      "/embed/a/b",
      "/embed",
    ]) {
      const response = await call(path);
      expect(directive(response, "frame-ancestors"), path).toBe("frame-ancestors 'none'");
      expect(response.headers.get("content-type"), path).toContain("text/html");
    }
  });

  it("follows a change of the call's origins on the very next load", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "Moving", embed_origins: ["https://old.example"] });
    expect(directive(await call(`/embed/${created.link}`), "frame-ancestors")).toBe(
      "frame-ancestors https://old.example",
    );
    const patched = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { embed_origins: ["https://new.example:8443"] },
      { token: host.token },
    );
    expect(patched.status).toBe(200);
    expect(directive(await call(`/embed/${created.link}`), "frame-ancestors")).toBe(
      "frame-ancestors https://new.example:8443",
    );
    await send("PATCH", `/api/calls/${created.link}`, { embed_origins: [] }, { token: host.token });
    expect(directive(await call(`/embed/${created.link}`), "frame-ancestors")).toBe("frame-ancestors 'none'");
  });
});

describe("every other page stays unframeable", () => {
  it.each(["/", "/call/some-call-aaaaaaaaaaaaaaaa", "/login", "/embedded", "/api/health"])(
    "%s",
    async (path) => {
      const response = await call(path);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(directive(response, "frame-ancestors")).toBe("frame-ancestors 'none'");
    },
  );
});

describe("changing a call's embed origins", () => {
  it.each([
    ["plain http on a public host", ["http://shop.example.com"]],
    ["a path", ["https://shop.example.com/checkout"]],
    ["a wildcard", ["https://*.example.com"]],
    ["a CSP keyword", ["'self'"]],
    ["a second directive smuggled in", ["https://a.example; script-src *"]],
    ["a data: URL", ["data:text/html,hi"]],
    ["more than ten", Array.from({ length: 11 }, (_, i) => `https://s${i}.example`)],
  ])("refuses %s with 422 and keeps the old list", async (_what, origins) => {
    const host = await signUp();
    const created = await createCall(host, { title: "Guarded", embed_origins: ["https://kept.example"] });
    const response = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { embed_origins: origins },
      { token: host.token },
    );
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("embed_origins");
    expect(directive(await call(`/embed/${created.link}`), "frame-ancestors")).toBe(
      "frame-ancestors https://kept.example",
    );
  });

  it("accepts https origins with ports and http only on loopback, stored as bare origins", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "Open" });
    const response = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { embed_origins: ["https://Shop.Example.com/", "https://a.example:8443", "http://127.0.0.1:8788"] },
      { token: host.token },
    );
    expect(response.status).toBe(200);
    const body = await bodyOf(response, callResultSchema);
    expect(body.call.embed_origins).toEqual([
      "https://shop.example.com",
      "https://a.example:8443",
      "http://127.0.0.1:8788",
    ]);
  });
});

describe("embed.js", () => {
  it.each([
    ["/embed/v1.js", "max-age=86400"],
    ["/embed.js", "max-age=3600"],
  ])(
    "%s is a small public script any site may load, cached (%s) and revalidated by ETag",
    async (path, age) => {
      const response = await call(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(response.headers.get("cache-control")).toContain("public");
      expect(response.headers.get("cache-control")).toContain(age);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
      const body = await response.text();
      expect(body).toBe(EMBED_SCRIPT);
      expect(body).toContain("createFrame");
      expect(new TextEncoder().encode(body).byteLength).toBeLessThan(6 * 1024);
      const etag = response.headers.get("etag");
      expect(etag).toBe(EMBED_SCRIPT_ETAG);
      const again = await call(path, { headers: { "If-None-Match": etag ?? "" } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    },
  );
});
