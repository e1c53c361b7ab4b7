import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser";
import { logIn, logOut, shot, signUp } from "./support/client-accounts";

describe("settings in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("changes the name, and the new name stays after a reload", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "renaming");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await shot(page, "settings");
    await page.getByLabel("Name", { exact: true }).fill("Grace Hopper");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Your name is saved" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await page.getByLabel("Name", { exact: true }).and(page.locator('[value="Grace Hopper"]')).waitFor();
    await page.goto("/");
    await page.getByRole("heading", { name: "Hi, Grace Hopper" }).waitFor();
    await context.close();
  });

  it("refuses a wrong current password, then changes it so only the new one logs in", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "password");
    await page.goto("/settings");
    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password").fill("a-brand-new-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").filter({ hasText: "current password is not right" }).waitFor();

    await page.getByLabel("Current password").fill(person.password);
    await page.getByLabel("New password").fill("a-brand-new-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();

    await logOut(page);
    await logIn(page, person);
    await page.getByRole("alert").filter({ hasText: "don't match" }).waitFor();
    await logIn(page, { email: person.email, password: "a-brand-new-password" });
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    await context.close();
  });
});
