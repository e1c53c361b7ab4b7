// The embed page during a Postgres outage, against the fault bridge (see test/global-setup.ts).
import { describe, expect, it } from "vitest";
import { call, createCall, signUp } from "./support/api-helpers";
import { databaseDown, databaseUp } from "./support/database";

const ancestors = (response: Response) =>
  response.headers
    .get("content-security-policy")
    ?.split("; ")
    .find((directive) => directive.startsWith("frame-ancestors "));

describe("/embed/:link when Postgres is unreachable", () => {
  it("still serves the page but unframeable (fails closed), and frames again once it is back", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "Outage desk", embed_origins: ["https://shop.example"] });
    await databaseDown();
    try {
      const response = await call(`/embed/${created.link}`);
      expect(response.status).toBe(200);
      expect(ancestors(response)).toBe("frame-ancestors 'none'");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.text()).toContain('<div id="app">');
    } finally {
      await databaseUp();
    }
    expect(ancestors(await call(`/embed/${created.link}`))).toBe("frame-ancestors https://shop.example");
  });
});
