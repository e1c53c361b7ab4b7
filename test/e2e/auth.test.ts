import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser";
import { logIn, logOut, shot, signUp } from "./support/client-accounts";

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

    await logOut(page);
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
    await logOut(page);
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
    await logOut(page);
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
    await logOut(page);
    await page.goto("/settings");
    await page.waitForURL(/\/login\?next=%2Fsettings$/);
    await logIn(page, person, page.url());
    await page.waitForURL(/\/settings$/);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await context.close();
  });

  it("renews the access token before it expires, so a long-open tab keeps working", async () => {
    const { context, page } = await newPerson(browser);
    await page.clock.install();
    const person = await signUp(page, "longtab");
    const refreshes: number[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/api/auth/refresh")) refreshes.push(response.status());
    });
    // 14½ minutes later: the 15-minute token is renewed through the cookie before it runs out.
    await page.clock.fastForward("14:30");
    await expect.poll(() => refreshes).toEqual([200]);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Name", { exact: true }).fill(`${person.name} Jr`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Your name is saved" }).waitFor();
    await context.close();
  });

  it("two tabs renewing at the same moment both stay signed in (one refresh at a time, never a reused token)", async () => {
    const { context, page } = await newPerson(browser);
    await context.clock.install();
    const person = await signUp(page, "twotabs");
    const other = await context.newPage();
    await other.goto("/");
    await other.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    const refreshes: number[] = [];
    context.on("response", (response) => {
      if (response.url().endsWith("/api/auth/refresh")) refreshes.push(response.status());
    });
    await context.clock.fastForward("14:30");
    await expect.poll(() => refreshes.length).toBe(2);
    expect(refreshes).toEqual([200, 200]);
    for (const tab of [page, other]) {
      await tab.reload();
      await tab.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    }
    await context.close();
  });

  it("signs a tab out when its session was ended elsewhere (a password change revokes it)", async () => {
    const first = await newPerson(browser);
    await first.page.clock.install();
    const person = await signUp(first.page, "revoked");
    const second = await newPerson(browser);
    await logIn(second.page, person);
    await second.page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    await second.page.goto("/settings");
    await second.page.getByLabel("Current password").fill(person.password);
    await second.page.getByLabel("New password").fill("changed-elsewhere-123");
    await second.page.getByRole("button", { name: "Change password" }).click();
    await second.page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();

    // The first browser's refresh is refused when its token is due: it says so and shows the signed-out home.
    await first.page.clock.fastForward("14:30");
    await first.page.getByRole("status").filter({ hasText: "Your session ended" }).waitFor();
    await first.page.getByRole("link", { name: "Log in" }).waitFor();
    expect(await first.page.getByRole("button", { name: "Log out" }).count()).toBe(0);
    await first.context.close();
    await second.context.close();
  });

  it("can be used with the keyboard alone, with a visible focus ring", async () => {
    const { context, page } = await newPerson(browser);
    const person = await signUp(page, "keyboard");
    await logOut(page);
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).waitFor();
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const style = element ? getComputedStyle(element) : null;
        return {
          name: element?.getAttribute("aria-label") ?? element?.textContent?.trim() ?? "",
          label: (element as HTMLInputElement | null)?.labels?.[0]?.textContent ?? "",
          outline: style
            ? style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2
            : false,
        };
      });
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ name: "Skip to content", outline: true });
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ name: "VCME home", outline: true });
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ label: "Email", outline: true });
    await page.keyboard.type(person.email);
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ label: "Password", outline: true });
    await page.keyboard.type(person.password);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
    // After a navigation the new screen has the focus, so the next Tab starts inside it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
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
