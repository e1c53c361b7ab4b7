import { describe, expect, it } from "vitest";
import { call, createCall, signUp } from "./support/api-helpers";

// A call link is the capability to knock on a call: one pasted on a public page must not make the call
// findable. These go through the Worker (its own routes and its fallback to the built client); the
// browser suite checks the same on the dev stack, where the asset layer answers /call/* by itself.
describe("call links stay out of search engines", () => {
  it("serves a real plain-text robots.txt, not the app's page", async () => {
    const response = await call("/robots.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).not.toContain("<");
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toMatch(/^Disallow: \/api\/$/m);
    // Call pages must stay fetchable, or a crawler never sees their noindex.
    expect(text).not.toMatch(/^Disallow: \/(call|embed)/m);
  });

  it("marks a call's join page and its embed page noindex, nofollow", async () => {
    const host = await signUp("Indexing Ida");
    const created = await createCall(host, { title: "Private chat", allow_guests: true });
    for (const path of [
      `/call/${created.link}`,
      `/embed/${created.link}`,
      "/embed/no-such-call-0123456789",
    ]) {
      const response = await call(path, { headers: { accept: "text/html" } });
      expect(response.headers.get("content-type"), path).toContain("text/html");
      expect(response.headers.get("x-robots-tag"), path).toBe("noindex, nofollow");
      await response.body?.cancel();
    }
  });

  it("leaves the public pages indexable", async () => {
    for (const path of ["/", "/login", "/signup"]) {
      const response = await call(path, { headers: { accept: "text/html" } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("x-robots-tag"), path).toBeNull();
      await response.body?.cancel();
    }
  });
});
