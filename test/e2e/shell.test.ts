import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPerson } from "./support/browser";

describe("the app shell in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads the first screen with a proper title and no script errors", async () => {
    const { context, page } = await newPerson(browser);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.title()).toMatch(/VCME/);
    await page.locator("#app *").first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("reaches the Worker and the database through the same origin", async () => {
    const response = await fetch(`${baseUrl()}/api/health`);
    expect(await response.json()).toMatchObject({ ok: true, db: "up" });
  });
});
