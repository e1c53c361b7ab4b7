// What a signed-out visitor meets: a clean console (no error logged, no request failed or refused) on the
// log-in page and on a call link, and call pages kept out of search engines on the dev stack, where the
// asset layer answers /call/* by itself (its single-page fallback) and the Worker answers /embed/*.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPerson } from "./support/browser";
import { createCall, signUp } from "./support/client-accounts";

/** Every console error, uncaught exception, failed request and error answer the page meets. */
function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on("response", (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/** The refresh requests the page sends. */
function watchRefreshes(page: Page): string[] {
  const refreshes: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/refresh") refreshes.push(request.url());
  });
  return refreshes;
}

describe("a signed-out visitor", () => {
  let browser: Browser;
  let link: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    const host = await newPerson(browser);
    await signUp(host.page, "visited");
    link = await createCall(host.page, "Visitors welcome", { guests: true });
    await host.context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("opens /login with a clean console: no refresh that can only be refused", async () => {
    const { context, page } = await newPerson(browser);
    const problems = watchForErrors(page);
    const refreshes = watchRefreshes(page);
    await page.goto("/login");
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
    expect(refreshes).toEqual([]);
    await context.close();
  });

  it("opens a call link (join page and embed page) with a clean console, each marked noindex", async () => {
    for (const path of [`/call/${link}`, `/embed/${link}`]) {
      const { context, page } = await newPerson(browser);
      const problems = watchForErrors(page);
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      expect(response?.headers()["x-robots-tag"], path).toBe("noindex, nofollow");
      await page.getByRole("heading", { name: "Visitors welcome" }).waitFor();
      await page.getByRole("button", { name: "Ask to join" }).waitFor();
      await page.getByLabel("Your name").waitFor();
      await page.waitForLoadState("networkidle");
      expect(problems, path).toEqual([]);
      await context.close();
    }
  });

  it("still gets back into a session after logging in, and a page load after logging out asks nothing", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "returning");
    const refreshes = watchRefreshes(page);
    await page.reload();
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    expect(refreshes).toHaveLength(1);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    const problems = watchForErrors(page);
    refreshes.length = 0;
    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
    expect(refreshes).toEqual([]);
    await context.close();
  });

  it("finds a plain-text robots.txt that leaves call pages fetchable (so crawlers see their noindex)", async () => {
    const response = await fetch(`${baseUrl()}/robots.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).not.toContain("<html");
    // The same call page through a plain request (no navigation headers) and the login page for contrast.
    const call = await fetch(`${baseUrl()}/call/${link}`, { headers: { accept: "text/html" } });
    expect(call.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    await call.body?.cancel();
    const login = await fetch(`${baseUrl()}/login`, { headers: { accept: "text/html" } });
    expect(login.status).toBe(200);
    expect(login.headers.get("x-robots-tag")).toBeNull();
    await login.body?.cancel();
  });
});
