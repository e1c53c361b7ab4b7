// Embedding a call in another site, in real Chromium: host pages on other loopback ports (other origins)
// load /embed/v1.js; one of them is on the call's allowed sites, one is not.
import { createServer, type Server } from "node:http";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveEmbedExample } from "../../scripts/embed-example-server.ts";
import { freePort } from "../../scripts/local-db.ts";
import {
  createCall,
  expectMediaFlowing,
  hostJoins,
  type Person,
  person,
  signUp,
  slowDevices,
  tile,
} from "./call-support";
import { baseUrl, launchBrowser } from "./support/browser";

interface HostSite {
  origin: string;
  /** Serves `html` at `/`. */
  show(html: string): void;
  close(): Promise<void>;
}

/** A tiny static web server on its own 127.0.0.1 port: another origin than the app. */
async function hostSite(): Promise<HostSite> {
  const port = await freePort();
  let page = "";
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    show(html) {
      page = html;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A host page that embeds the call with a prefilled name and records every event the frame reports. */
function instrumentedPage(link: string, displayName: string): string {
  return `<!doctype html>
<html><head><title>Shop support</title></head>
<body>
<h1>Talk to us</h1>
<div id="call" style="width: 900px; height: 700px"></div>
<script src="${baseUrl()}/embed/v1.js"></script>
<script>
  window.events = [];
  window.frameApi = VCME.createFrame(document.getElementById("call"), {
    link: ${JSON.stringify(link)},
    displayName: ${JSON.stringify(displayName)},
  });
  for (const name of ["ready", "waiting", "joined", "declined", "participant-joined", "participant-left",
    "media", "left", "call-ended", "error"]) {
    window.frameApi.on(name, (data) => window.events.push({ name, data }));
  }
</script>
</body></html>`;
}

interface Recorded {
  name: string;
  data: Record<string, unknown>;
}

const eventsOf = (page: Page) => page.evaluate(() => (window as unknown as { events: Recorded[] }).events);
const namesOf = async (page: Page) => (await eventsOf(page)).map((event) => event.name);

/** The call page inside the host page's iframe. */
async function embeddedFrame(page: Page): Promise<Frame> {
  await expect
    .poll(() => page.frames().some((f) => f.url().includes("/embed/")), { timeout: 15_000 })
    .toBe(true);
  const frame = page.frames().find((f) => f.url().includes("/embed/"));
  if (!frame) throw new Error("no embedded call frame");
  return frame;
}

describe("a call embedded in another site", () => {
  let browser: Browser;
  const people: Person[] = [];
  const sites: HostSite[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => undefined);
    for (const site of sites.splice(0)) await site.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The host signs up, creates a call and lets `origins` embed it through the Embed dialog. */
  async function hostWithEmbeddableCall(title: string, origins: string[]) {
    const host = await person(browser, "Hiroko");
    people.push(host);
    await signUp(host);
    const path = await createCall(host, title);
    await host.page.getByRole("button", { name: `Embed ${title}` }).click();
    const dialog = host.page.getByRole("dialog", { name: `Embed ${title}` });
    await dialog.getByLabel("Allowed sites").fill(origins.join("\n"));
    await dialog.getByRole("button", { name: "Save sites" }).click();
    await dialog.getByRole("status").filter({ hasText: "Allowed sites saved" }).waitFor();
    const snippet = await dialog.getByLabel("Snippet").inputValue();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
    const link = path.split("/").pop() ?? "";
    return { host, path, link, snippet };
  }

  it("lets a guest knock from the host page, get admitted, talk, mute and leave, with every event reported", async () => {
    const site = await hostSite();
    sites.push(site);
    const { host, path, link, snippet } = await hostWithEmbeddableCall("Shop support", [site.origin]);
    expect(snippet).toContain(`<script src="${baseUrl()}/embed/v1.js"></script>`);
    expect(snippet).toContain(`link: "${link}"`);
    await hostJoins(host, path);

    site.show(instrumentedPage(link, "Gustav"));
    const guest = await person(browser, "Gustav");
    people.push(guest);
    await guest.page.goto(`${site.origin}/`);
    const frame = await embeddedFrame(guest.page);
    await expect.poll(() => namesOf(guest.page), { timeout: 15_000 }).toContain("ready");
    // The host page's displayName is the guest's name on the join page.
    const name = frame.getByLabel("Your name");
    await expect.poll(() => name.inputValue(), { timeout: 15_000 }).toBe("Gustav");
    await frame.getByRole("button", { name: "Camera", pressed: true }).waitFor({ timeout: 15_000 });
    await frame.getByRole("button", { name: "Ask to join" }).click();
    await frame.getByRole("status").filter({ hasText: "Waiting for the host" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => namesOf(guest.page)).toContain("waiting");

    // The host admits from the normal app.
    await host.page
      .getByRole("list", { name: "Waiting room" })
      .getByRole("listitem")
      .filter({ hasText: "Gustav" })
      .getByRole("button", { name: "Admit" })
      .click();
    await frame.getByRole("button", { name: "Leave" }).waitFor({ timeout: 20_000 });
    await expect.poll(() => namesOf(guest.page), { timeout: 10_000 }).toContain("participant-joined");
    const events = await eventsOf(guest.page);
    const order = events.map((event) => event.name).filter((n) => n !== "media" && n !== "error");
    expect(order.slice(0, 4)).toEqual(["ready", "waiting", "joined", "participant-joined"]);
    expect(events.find((event) => event.name === "joined")?.data).toMatchObject({
      role: "participant",
      participants: [{ name: "Hiroko" }],
    });
    expect(events.find((event) => event.name === "participant-joined")?.data).toMatchObject({
      name: "Hiroko",
    });

    // Video flows both ways: the host sees the guest's camera, the iframe shows the host's.
    await expectMediaFlowing(host, "Gustav");
    const hostVideo = frame.getByRole("group", { name: "Hiroko", exact: true }).locator("video");
    await expect
      .poll(
        () =>
          hostVideo.evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(5);

    // toggleAudio from the host page mutes the guest: the frame's button, the host's view and an event say so.
    await guest.page.evaluate(() =>
      (window as unknown as { frameApi: { toggleAudio(): void } }).frameApi.toggleAudio(),
    );
    await frame.getByRole("button", { name: "Microphone", pressed: false }).waitFor({ timeout: 10_000 });
    await tile(host, "Gustav").getByRole("img", { name: "Microphone off" }).waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await eventsOf(guest.page)).filter((e) => e.name === "media").at(-1)?.data)
      .toMatchObject({ audio: false });

    // leave from the host page: the guest is out, the host sees them go, the page hears `left`.
    await guest.page.evaluate(() => (window as unknown as { frameApi: { leave(): void } }).frameApi.leave());
    await frame.getByText("You left the call").waitFor({ timeout: 10_000 });
    await expect.poll(() => namesOf(guest.page)).toContain("left");
    await tile(host, "Gustav").waitFor({ state: "detached", timeout: 15_000 });
  });

  it("ignores commands from other windows and malformed messages", async () => {
    const site = await hostSite();
    sites.push(site);
    const { host, path, link } = await hostWithEmbeddableCall("Guarded desk", [site.origin]);
    await hostJoins(host, path);
    site.show(instrumentedPage(link, "Greta"));
    const guest = await person(browser, "Greta");
    people.push(guest);
    await guest.page.goto(`${site.origin}/`);
    const frame = await embeddedFrame(guest.page);
    await frame.getByRole("button", { name: "Ask to join" }).click();
    await host.page.getByRole("button", { name: "Admit" }).click();
    await frame.getByRole("button", { name: "Leave" }).waitFor({ timeout: 20_000 });
    await frame.getByRole("button", { name: "Microphone", pressed: true }).waitFor();
    // A script inside the frame's own window (not the host page) and garbage from the host page: no effect.
    await frame.evaluate(() =>
      window.postMessage({ vcme: 1, type: "command", command: "toggle-audio" }, location.origin),
    );
    await guest.page.evaluate(() => {
      const target = document.querySelector("iframe")?.contentWindow;
      for (const bad of [
        null,
        "toggle-audio",
        { vcme: 1, type: "command", command: "rm -rf" },
        { vcme: 2, type: "command", command: "leave" },
      ])
        target?.postMessage(bad, "*");
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await frame.getByRole("button", { name: "Microphone", pressed: true }).waitFor();
    await frame.getByRole("button", { name: "Leave" }).waitFor();
  });

  it("works from the documented example page, driven only by its buttons", async () => {
    const example = await serveEmbedExample(await freePort(), baseUrl());
    sites.push({ origin: example.url, show: () => undefined, close: example.close });
    const { host, path, link } = await hostWithEmbeddableCall("Example desk", [example.url]);
    await hostJoins(host, path);
    const guest = await person(browser, "Ella");
    people.push(guest);
    await guest.page.goto(`${example.url}/?${new URLSearchParams({ link, name: "Ella" })}`);
    const log = guest.page.getByRole("list", { name: "Events" });
    await log.getByText(/^ready /).waitFor({ timeout: 15_000 });
    const frame = await embeddedFrame(guest.page);
    await expect.poll(() => frame.getByLabel("Your name").inputValue(), { timeout: 15_000 }).toBe("Ella");
    await frame.getByRole("button", { name: "Ask to join" }).click();
    await log.getByText(/^waiting /).waitFor({ timeout: 15_000 });
    await host.page.getByRole("button", { name: "Admit" }).click();
    await log.getByText(/^joined /).waitFor({ timeout: 20_000 });
    await log.getByText(/^participant-joined .*Hiroko/).waitFor();
    await guest.page.getByRole("button", { name: "Toggle camera" }).click();
    await frame.getByRole("button", { name: "Camera", pressed: false }).waitFor({ timeout: 10_000 });
    await guest.page.getByRole("button", { name: "Leave call" }).click();
    await log.getByText(/^left /).waitFor({ timeout: 10_000 });
    await guest.page.getByRole("button", { name: "Remove the frame" }).click();
    await expect.poll(() => guest.page.locator("iframe").count()).toBe(0);
  });

  it("autoJoin knocks at once under the host page's name, camera still starting; the bare frame URL does not", async () => {
    const example = await serveEmbedExample(await freePort(), baseUrl());
    sites.push({ origin: example.url, show: () => undefined, close: example.close });
    const { host, path, link } = await hostWithEmbeddableCall("Quick desk", [example.url]);
    await hostJoins(host, path);
    const guest = await person(browser, "Olaf");
    people.push(guest);
    await slowDevices(guest, 1_500);
    // The example page's "Knock at once" (auto=1) creates the frame with displayName and autoJoin.
    await guest.page.goto(`${example.url}/?${new URLSearchParams({ link, name: "Olaf", auto: "1" })}`);
    const log = guest.page.getByRole("list", { name: "Events" });
    await log.getByText(/^waiting /).waitFor({ timeout: 15_000 });
    const frame = await embeddedFrame(guest.page);
    await frame.getByRole("status").filter({ hasText: "Waiting for the host" }).waitFor();
    const knock = host.page.getByRole("list", { name: "Waiting room" }).getByRole("listitem");
    await knock.filter({ hasText: "Olaf" }).getByRole("button", { name: "Admit" }).click();
    await log.getByText(/^joined /).waitFor({ timeout: 20_000 });
    // Joined before the camera had started, and still seen and heard with both toggles on.
    await expectMediaFlowing(host, "Olaf");
    await frame.getByRole("button", { name: "Microphone", pressed: true }).waitFor();
    await frame.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await tile(host, "Olaf").getByRole("img", { name: "Microphone on" }).waitFor();
    expect(await tile(host, "Olaf").getByRole("img", { name: "Camera off" }).count()).toBe(0);

    // The same frame URL opened in a tab of its own shows the join page and waits for the button.
    const visitor = await person(browser, "Pia");
    people.push(visitor);
    const frameUrl = new URL(frame.url());
    await visitor.page.goto(
      `${frameUrl.pathname}?${new URLSearchParams({ origin: example.url, name: "Pia", join: "auto" })}`,
    );
    await visitor.page.getByRole("button", { name: "Ask to join" }).waitFor({ timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await visitor.page.getByText("Waiting for the host").count()).toBe(0);
    expect(await knock.filter({ hasText: "Pia" }).count()).toBe(0);
  });

  it("starts with the host page's theme and microphone choice, whatever the system's", async () => {
    const site = await hostSite();
    sites.push(site);
    const { link } = await hostWithEmbeddableCall("Dark desk", [site.origin]);
    site.show(`<!doctype html><html><body><div id="c" style="height: 600px"></div>
<script src="${baseUrl()}/embed/v1.js"></script>
<script>VCME.createFrame(document.getElementById("c"), { link: ${JSON.stringify(link)}, theme: "dark", audio: false });</script>
</body></html>`);
    const visitor = await person(browser, "Dora");
    people.push(visitor);
    await visitor.page.emulateMedia({ colorScheme: "light" });
    await visitor.page.goto(`${site.origin}/`);
    const frame = await embeddedFrame(visitor.page);
    await frame.getByRole("button", { name: "Ask to join" }).waitFor({ timeout: 15_000 });
    // audio: false starts the join page with the microphone off and the camera on.
    await frame.getByRole("button", { name: "Camera", pressed: true }).waitFor({ timeout: 15_000 });
    await frame.getByRole("button", { name: "Microphone", pressed: false }).waitFor();
    // The page's background is the dark theme's, although the system (emulated) is light.
    const background = () => getComputedStyle(document.body).backgroundColor;
    expect(await visitor.page.evaluate(() => matchMedia("(prefers-color-scheme: light)").matches)).toBe(true);
    expect(await frame.evaluate(background)).toBe("rgb(15, 18, 24)");
  });

  it("shows the pasted snippet's call on a listed site; the browser refuses it on any other", async () => {
    const allowed = await hostSite();
    const other = await hostSite();
    sites.push(allowed, other);
    const { host, link, snippet } = await hostWithEmbeddableCall("Members only", [allowed.origin]);

    // A wrong entry is explained by line and changes nothing; reopening shows what is really saved.
    await host.page.getByRole("button", { name: "Embed Members only" }).click();
    const dialog = host.page.getByRole("dialog", { name: "Embed Members only" });
    const sitesField = dialog.getByLabel("Allowed sites");
    expect(await sitesField.inputValue()).toBe(allowed.origin);
    await sitesField.fill(`${allowed.origin}\nhttp://shop.example.com`);
    await dialog.getByRole("button", { name: "Save sites" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: "Line 2 (http://shop.example.com): must be an https origin" })
      .waitFor();
    expect(await sitesField.inputValue()).toBe(`${allowed.origin}\nhttp://shop.example.com`);
    await host.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await host.page.getByRole("button", { name: "Embed Members only" }).click();
    expect(await sitesField.inputValue()).toBe(allowed.origin);
    await dialog.getByRole("button", { name: "Close" }).click();
    // The dialog's snippet pasted as is into a static page: on the listed site the join page shows…
    const page = `<!doctype html><html><body><h1>Our site</h1>${snippet}</body></html>`;
    allowed.show(page);
    other.show(page);
    const visitor = await person(browser, "Vera");
    people.push(visitor);
    await visitor.page.goto(`${allowed.origin}/`);
    const framed = await embeddedFrame(visitor.page);
    await framed.getByRole("heading", { name: "Members only" }).waitFor({ timeout: 15_000 });
    await framed.getByLabel("Your name").waitFor();
    // …and on any other site the browser refuses it.
    const refusals: string[] = [];
    visitor.page.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) refusals.push(message.text());
    });
    await visitor.page.goto(`${other.origin}/`);
    await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(refusals[0]).toContain(allowed.origin);
    // Nothing of the call rendered in the frame.
    const frame = visitor.page.frames().find((f) => f !== visitor.page.mainFrame());
    const rendered = await frame?.evaluate(() => document.querySelector("#app") !== null).catch(() => false);
    expect(rendered ?? false).toBe(false);
    expect(link).toBeTruthy();
  });
});
