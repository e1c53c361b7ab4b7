import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser";
import { logIn, shot, signUp } from "./support/client-accounts";

describe("accounts in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("signs up, logs out and logs back in, and the raw password never leaves the browser", async () => {
    const { context, page } = await newPerson(browser);
    const bodies: string[] = [];
    page.on("request", (request) => {
      const body = request.postData();
      if (body) bodies.push(body);
    });
    await page.goto("/signup");
    await shot(page, "signup");
    const person = await signUp(page, "ada");
    await shot(page, "home-signed-in");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    await page.getByRole("link", { name: "Sign up" }).waitFor();
    await shot(page, "login");

    await logIn(page, person);
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    const auth = bodies.filter((body) => body.includes('"password"'));
    expect(auth.length).toBe(2);
    for (const body of auth) {
      expect(body).not.toContain(person.password);
      expect(JSON.parse(body).password).toMatch(/^[0-9a-f]{64}$/);
    }
    await context.close();
  });

  it("keeps you signed in across a reload, with the token only in memory", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "reload");
    await page.reload();
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/);
    await context.close();
  });

  it("says plainly when the email and password don't match", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "wrong");
    await page.getByRole("button", { name: "Log out" }).click();
    await logIn(page, { email: person.email, password: "not-the-password" });
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("don't match");
    await shot(page, "login-wrong-password");
    await context.close();
  });

  it("tells you when the email already has an account, and checks the form before sending", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "taken");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.goto("/signup");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText("Enter your name.").waitFor();
    await page.getByText("Use at least 8 characters.").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Someone Else");
    await page.getByLabel("Email", { exact: true }).fill(person.email.toUpperCase());
    await page.getByLabel("Password", { exact: true }).fill("another-password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("alert").filter({ hasText: "already exists" }).waitFor();
    await context.close();
  });

  it("sends a signed-out visitor to log in and back to the page they wanted", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "next");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.goto("/settings");
    await page.waitForURL(/\/login\?next=%2Fsettings$/);
    await logIn(page, person, page.url());
    await page.waitForURL(/\/settings$/);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await context.close();
  });

  it("works on a 320 px wide phone screen without sideways scrolling", async () => {
    const { context, page } = await newPerson(browser);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto("/signup");
    await page.getByRole("button", { name: "Sign up" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "signup-phone");
    await context.close();
  });
});
