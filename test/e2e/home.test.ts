import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPerson } from "./support/browser";
import { createCall, shot, signUp } from "./support/client-accounts";

describe("the home screen in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("creates a call, shows its link, copies it, and lists it under My calls", async () => {
    const { context, page } = await newPerson(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
    await signUp(page, "home");
    await page.getByText("No calls yet").waitFor();
    const link = await createCall(page, "Weekly planning");
    expect(link).toMatch(/^weekly-planning-[a-z0-9]{10,}$/);

    await page.getByRole("button", { name: "Copy link", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Link copied" }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${baseUrl()}/call/${link}`);

    const myCalls = page.getByRole("list", { name: "My calls" });
    await myCalls.getByRole("link", { name: "Weekly planning" }).waitFor();
    expect(await myCalls.textContent()).toContain(`/call/${link}`);
    await shot(page, "home-with-call");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "home-with-call-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await shot(page, "home-with-call-4k");
    await page.setViewportSize({ width: 320, height: 640 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "home-with-call-phone");
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.reload();
    await page
      .getByRole("list", { name: "My calls" })
      .getByRole("link", { name: "Weekly planning" })
      .waitFor();
    await context.close();
  });

  it("joins by a pasted full link or just the slug, and explains a link that is not one", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "joiner");
    const link = await createCall(page, "Pasted");
    await page.goto("/");
    await page.getByLabel("Call link").fill(`  ${baseUrl()}/call/${link}  `);
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.waitForURL(`**/call/${link}`);
    await page.getByRole("heading", { name: "Pasted" }).waitFor();

    await page.goto("/");
    await page.getByLabel("Call link").fill(link);
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.waitForURL(`**/call/${link}`);

    await page.goto("/");
    await page.getByLabel("Call link").fill("see you at noon");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.getByText("doesn't look like a call link").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("renames and deletes a call from My calls", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "renamer");
    await createCall(page, "Draft title");
    const myCalls = page.getByRole("list", { name: "My calls" });

    await myCalls.getByRole("button", { name: "Rename Draft title" }).click();
    await page.getByLabel("New title for Draft title").fill("Final title");
    await page.getByRole("button", { name: "Save title" }).click();
    await myCalls.getByRole("link", { name: "Final title" }).waitFor();

    await myCalls.getByRole("button", { name: "Delete Final title" }).click();
    await page.getByRole("button", { name: "Delete call" }).click();
    await page.getByText("No calls yet").waitFor();
    await page.reload();
    await page.getByText("No calls yet").waitFor();
    await context.close();
  });

  it("shows a signed-out visitor how to start and still lets them join by link", async () => {
    const { context, page } = await newPerson(browser);
    await page.goto("/");
    await page.getByRole("link", { name: "Sign up" }).waitFor();
    await page.getByRole("link", { name: "Log in" }).waitFor();
    await page.getByLabel("Call link").waitFor();
    await shot(page, "home-signed-out");
    await context.close();
  });
});
