// The embed page in Firefox: the snippet of the host's Embed dialog, pasted into a page on an allowed
// origin, shows the call's join page in the frame; on any other origin Firefox refuses the frame
// (Content-Security-Policy frame-ancestors). Host pages are tiny servers on other 127.0.0.1 ports.
import { createServer } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-db.ts";
import { baseUrl } from "../e2e/support/browser";
import { createCall, join, signUp } from "./support/call";
import { type Engines, launchEngines } from "./support/engines";
import { eventually, type Person } from "./support/person";

/** A static page at `/` on its own 127.0.0.1 port: another origin than the app. */
async function hostSite(html: string): Promise<{ origin: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("a call embedded in another site, seen in Firefox", () => {
  let engines: Engines;
  const people: Person[] = [];
  const sites: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    engines = await launchEngines();
  });
  afterEach(async () => {
    for (const p of people.splice(0)) await p.close().catch(() => undefined);
    for (const site of sites.splice(0)) await site.close();
  });
  afterAll(async () => {
    await engines?.close();
  });

  it("shows the pasted snippet's call on the listed site; Firefox refuses it on any other", async () => {
    // The ports first, so the allowed origin is known before the page (with the snippet) exists.
    let page = "";
    const allowedPort = await freePort();
    const allowed = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(page);
    });
    await new Promise<void>((resolve) => allowed.listen(allowedPort, "127.0.0.1", resolve));
    sites.push({ close: () => new Promise((resolve) => allowed.close(() => resolve())) });
    const allowedOrigin = `http://127.0.0.1:${allowedPort}`;

    const host = await join(engines, people, "chromium", "Hiroko");
    await signUp(host);
    await createCall(host, "Members only");
    await host.click({ role: "button", name: "Embed Members only" });
    const dialog = { role: "dialog", name: "Embed Members only" };
    await host.waitFor(dialog);
    await host.fill("Allowed sites", allowedOrigin);
    await host.click({ role: "button", name: "Save sites", within: dialog });
    await host.waitFor({ role: "status", text: "Allowed sites saved", within: dialog });
    const snippet = await host.evaluate(() => {
      const label = [...document.querySelectorAll("label")].find((l) => l.textContent?.includes("Snippet"));
      return label?.control instanceof HTMLTextAreaElement ? label.control.value : "";
    }, null);
    expect(snippet).toContain(`${baseUrl()}/embed/v1.js`);
    page = `<!doctype html><html><body><h1>Our site</h1>${snippet}</body></html>`;
    const other = await hostSite(page);
    sites.push(other);

    const visitor = await join(engines, people, "firefox", "Vera");
    await visitor.goto(`${allowedOrigin}/`);
    const framed = await eventually(
      () => visitor.frames(),
      (frames) => frames.some((f) => f.url.includes("/embed/") && (f.text ?? "").includes("Members only")),
      "Vera sees the embedded call on the allowed site",
    );
    expect(framed.find((f) => f.url.includes("/embed/"))?.text).toContain("Ask to join");

    await visitor.goto(`${other.origin}/`);
    // The frame is there, pointed at the call, but Firefox shows nothing of the app in it.
    await eventually(
      () => visitor.evaluate(() => document.querySelector("iframe")?.getAttribute("src") ?? "", null),
      (src) => src.includes("/embed/"),
      "the snippet made its frame",
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const frames = await visitor.frames();
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame.text ?? "").not.toContain("Members only");
    console.log(
      `[interop embed] refused frame in Firefox: ${JSON.stringify(frames.map((f) => f.url))}; ` +
        `console: ${JSON.stringify(visitor.consoleMessages().filter((m) => m.includes("frame-ancestors")))}`,
    );
  });
});
