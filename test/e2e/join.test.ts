import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, CHROMIUM_ARGS, launchBrowser, newPerson } from "./support/browser";
import { createCall, logIn, logOut, shot, signUp } from "./support/client-accounts";

describe("the join page in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the host the call, a live preview, toggles and Join now; the camera choice is remembered", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "host");
    const link = await createCall(page, "Design review");
    await page.goto(`/call/${link}`);
    await page.getByRole("heading", { name: "Design review" }).waitFor();
    await page.getByRole("button", { name: "Join now" }).waitFor();
    const microphone = page.getByRole("button", { name: "Microphone", exact: true });
    const camera = page.getByRole("button", { name: "Camera", exact: true });
    await expect.poll(() => camera.getAttribute("aria-pressed")).toBe("true");
    expect(await microphone.getAttribute("aria-pressed")).toBe("true");
    const preview = page.getByLabel("Your camera preview");
    await expect
      .poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth))
      .toBeGreaterThan(0);
    await page.getByLabel("Choose camera").waitFor();
    await page.getByLabel("Choose microphone").waitFor();
    // The fake microphone plays a tone, so the meter moves.
    const meter = page.locator("meter");
    await expect.poll(() => meter.evaluate((element: HTMLMeterElement) => element.value)).toBeGreaterThan(0);
    await shot(page, "join-host");

    // The state shows at a glance, not only in aria-pressed: the icon is struck through when off and
    // the colour changes, as in the call's controls.
    const look = () =>
      camera.evaluate((button) => ({
        struck: button.querySelectorAll("svg path").length === 2,
        colour: getComputedStyle(button).backgroundColor,
      }));
    const on = await look();
    expect(on.struck).toBe(false);
    expect(await microphone.evaluate((button) => button.querySelectorAll("svg path").length)).toBe(1);
    await camera.click();
    await expect.poll(() => camera.getAttribute("aria-pressed")).toBe("false");
    await page.getByText("Your camera is off").waitFor();
    const off = await look();
    expect(off.struck).toBe(true);
    expect(off.colour).not.toBe(on.colour);
    await page.reload();
    await page.getByRole("button", { name: "Join now" }).waitFor();
    await expect.poll(() => camera.getAttribute("aria-pressed")).toBe("false");
    expect(await microphone.getAttribute("aria-pressed")).toBe("true");
    await context.close();
  });

  it("asks a guest for their name and offers Ask to join when the call allows guests", async () => {
    const host = await newPerson(browser);
    await signUp(host.page, "guesthost");
    const link = await createCall(host.page, "Open house", { guests: true });

    const guest = await newPerson(browser);
    await guest.page.goto(`/call/${link}`);
    await guest.page.getByRole("heading", { name: "Open house" }).waitFor();
    await guest.page.getByText("Hosted by guesthost Tester").waitFor();
    await guest.page.getByLabel("Your name").waitFor();
    await guest.page.getByRole("button", { name: "Ask to join" }).click();
    await guest.page.getByText("Enter the name the others will see.").waitFor();
    await shot(guest.page, "join-guest");
    await guest.page.setViewportSize({ width: 320, height: 640 });
    const overflow = await guest.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(guest.page, "join-guest-phone");
    await host.context.close();
    await guest.context.close();
  });

  it("tells a guest the call needs an account, and logging in brings them back to it", async () => {
    const host = await newPerson(browser);
    await signUp(host.page, "closedhost");
    const link = await createCall(host.page, "Members only", { guests: false });

    const visitor = await newPerson(browser);
    const person = await signUp(visitor.page, "member");
    await logOut(visitor.page);
    await visitor.page.goto(`/call/${link}`);
    await visitor.page
      .getByRole("alert")
      .filter({ hasText: "only for people with a VCME account" })
      .waitFor();
    expect(await visitor.page.getByRole("button", { name: "Ask to join" }).count()).toBe(0);
    const login = visitor.page.getByRole("link", { name: "Log in to join" });
    expect(await login.getAttribute("href")).toBe(`/login?next=${encodeURIComponent(`/call/${link}`)}`);
    await shot(visitor.page, "join-guests-not-allowed");
    await login.click();
    await logIn(visitor.page, person, visitor.page.url());
    await visitor.page.waitForURL(`**/call/${link}`);
    await visitor.page.getByRole("button", { name: "Ask to join" }).waitFor();
    await host.context.close();
    await visitor.context.close();
  });

  it("explains that camera and microphone need a secure page, and still lets a guest ask to join", async () => {
    const host = await newPerson(browser);
    await signUp(host.page, "insecurehost");
    const link = await createCall(host.page, "Plain http", { guests: true });
    // The same stack under a name that is not loopback, over plain http: not a secure context.
    const port = new URL(baseUrl()).port;
    const plain = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP vcme.test 127.0.0.1"],
    });
    const page = await plain.newPage();
    await page.goto(`http://vcme.test:${port}/call/${link}`);
    await page.getByRole("heading", { name: "Plain http" }).waitFor();
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await page.getByRole("alert").filter({ hasText: "This page is not secure" }).waitFor();
    expect(await page.getByRole("button", { name: "Camera", exact: true }).getAttribute("aria-pressed")).toBe(
      "false",
    );
    await page.getByLabel("Your name").fill("Plain Guest");
    expect(await page.getByRole("button", { name: "Ask to join" }).isEnabled()).toBe(true);
    await shot(page, "join-insecure");
    await plain.close();
    await host.context.close();
  });

  it("shows the embed page without the site's navigation", async () => {
    const host = await newPerson(browser);
    await signUp(host.page, "embedhost");
    const link = await createCall(host.page, "Embedded talk", { guests: true });
    const guest = await newPerson(browser);
    await guest.page.goto(`/embed/${link}`);
    await guest.page.getByRole("heading", { name: "Embedded talk" }).waitFor();
    await guest.page.getByRole("button", { name: "Ask to join" }).waitFor();
    expect(await guest.page.getByRole("link", { name: "VCME home" }).count()).toBe(0);
    expect(await guest.page.getByRole("banner").count()).toBe(0);
    await shot(guest.page, "embed-join");
    await host.context.close();
    await guest.context.close();
  });

  it("says when a call does not exist", async () => {
    const { context, page } = await newPerson(browser);
    await page.goto("/call/no-such-call-abcdefghij");
    await page.getByRole("heading", { name: "Call not found" }).waitFor();
    await page.getByRole("alert").filter({ hasText: "no call at this link" }).waitFor();
    await page.getByRole("link", { name: "Back home" }).waitFor();
    await shot(page, "join-not-found");
    await context.close();
  });

  it("lets a person whose camera is blocked still join with the microphone, and says how to fix it", async () => {
    // A browser without the auto-accepting permission prompt: only the microphone is allowed.
    const strict = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS.filter((arg) => arg !== "--use-fake-ui-for-media-stream"),
    });
    const context = await strict.newContext({ baseURL: baseUrl(), permissions: ["microphone"] });
    const page = await context.newPage();
    await signUp(page, "blocked");
    const link = await createCall(page, "No camera please");
    await page.goto(`/call/${link}`);
    await page.getByRole("alert").filter({ hasText: "blocking the camera" }).waitFor();
    const camera = page.getByRole("button", { name: "Camera", exact: true });
    expect(await camera.getAttribute("aria-pressed")).toBe("false");
    await expect
      .poll(() => page.getByRole("button", { name: "Microphone", exact: true }).getAttribute("aria-pressed"))
      .toBe("true");
    expect(await page.getByRole("button", { name: "Join now" }).isEnabled()).toBe(true);
    await shot(page, "join-camera-blocked");
    await strict.close();
  });
});
