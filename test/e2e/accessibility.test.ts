// axe-core (WCAG 2.2 A and AA rules) over every screen docs/accessibility.md names, at a desktop and a phone
// width, in real Chromium against the real dev stack. Any violation fails, naming screen, width, rule and
// element. The screens are reached as a person reaches them: sign up, create a call, knock, be admitted.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admit,
  createCall,
  expectMediaFlowing,
  guestKnocks,
  hostJoins,
  type Person,
  person,
  signUp,
} from "./call-support";
import { launchBrowser, newPerson } from "./support/browser";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 375, height: 740 },
];

/** Runs axe on the page as it is now at each width; returns one line per violating element. */
async function audit(page: Page, screen: string): Promise<string[]> {
  const found: string[] = [];
  const original = page.viewportSize();
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    // Let layout (and any CSS transition the width starts) settle before axe reads colours and sizes.
    await page.waitForTimeout(100);
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    for (const violation of results.violations) {
      for (const node of violation.nodes) {
        found.push(
          `${screen} @ ${size.width} px: ${violation.id} (${violation.impact}) at ${node.target.join(" ")} — ${node.failureSummary?.replaceAll("\n", " ")}`,
        );
      }
    }
  }
  if (original) await page.setViewportSize(original);
  return found;
}

describe("accessibility (axe-core, WCAG 2.2 AA) of every screen", () => {
  let browser: Browser;
  const people: Person[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of people) await p.context.close().catch(() => undefined);
    await browser?.close();
  });

  it("sign up, log in and not found, signed out", async () => {
    const { context, page } = await newPerson(browser);
    const findings: string[] = [];
    await page.goto("/signup");
    await page.getByRole("button", { name: "Sign up" }).waitFor();
    findings.push(...(await audit(page, "sign up")));
    await page.goto("/login");
    await page.getByRole("button", { name: "Log in" }).waitFor();
    findings.push(...(await audit(page, "log in")));
    // A failed log-in shows its error too.
    await page.getByLabel("Email", { exact: true }).fill("nobody@example.test");
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").waitFor();
    findings.push(...(await audit(page, "log in, wrong password")));
    await page.goto("/no-such-page");
    await page.getByRole("heading").first().waitFor();
    findings.push(...(await audit(page, "not found")));
    await context.close();
    expect(findings).toEqual([]);
  });

  it("home, settings, the join pages, the waiting room, the call and its panels, leaving, the end and history", async () => {
    const findings: string[] = [];
    let audits = 0;
    let auditMs = 0;
    const check = async (p: Person, screen: string) => {
      const started = performance.now();
      findings.push(...(await audit(p.page, screen)));
      auditMs += performance.now() - started;
      audits++;
    };
    const host = await person(browser, "Ada");
    const member = await person(browser, "Ben");
    const guest = await person(browser, "Cleo");
    const visitor = await person(browser, "Dot");
    people.push(host, member, guest, visitor);
    await signUp(host);
    const path = await createCall(host, "Accessible call");
    await host.page.getByRole("button", { name: "Copy link", exact: true }).waitFor();
    await check(host, "home with a call");
    await host.page.goto("/settings");
    await host.page.getByRole("button", { name: "Change password" }).waitFor();
    await check(host, "settings");
    await signUp(member);

    // Each person opens the call only when their turn comes, and leaves once their screens are checked:
    // every open page encodes camera video, and the machine may have two cores.
    await host.page.goto(path);
    await host.page.getByRole("button", { name: "Join now" }).waitFor();
    await host.page.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await check(host, "join page, host");
    await hostJoins(host, path);
    await check(host, "in the call, alone");

    // The embed page: join, wait, be declined.
    await visitor.page.goto(`/embed/${path.replace(/^\/call\//, "")}`);
    await visitor.page.getByLabel("Your name").waitFor();
    await visitor.page.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await check(visitor, "embed page, join");
    await visitor.page.getByLabel("Your name").fill(visitor.name);
    await visitor.page.getByRole("button", { name: "Ask to join" }).click();
    await visitor.page.getByRole("status").filter({ hasText: "Waiting for the host" }).waitFor();
    await check(visitor, "embed page, waiting");
    const lobby = host.page.getByRole("list", { name: "Waiting room" });
    await lobby.getByRole("listitem").filter({ hasText: visitor.name }).waitFor();
    await check(host, "host with a knock");
    await lobby
      .getByRole("listitem")
      .filter({ hasText: visitor.name })
      .getByRole("button", { name: "Decline" })
      .click();
    await visitor.page.getByText(/declined/i).waitFor();
    await check(visitor, "embed page, declined");
    await visitor.context.close();

    await guest.page.goto(path);
    await guest.page.getByLabel("Your name").waitFor();
    await guest.page.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await check(guest, "join page, guest");
    await guestKnocks(guest, path);
    await check(guest, "waiting");
    await admit(host, guest);
    await expectMediaFlowing(host, guest.name);
    await expectMediaFlowing(guest, host.name);
    await check(host, "in the call with others, host");
    await check(guest, "in the call with others, guest");

    // Chat: an unread count on the guest's Chat button, then the open panel with the message.
    await host.page.getByRole("button", { name: "Chat" }).click();
    await host.page.getByLabel("Message").fill("Welcome, Cleo");
    await host.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => guest.page.getByRole("button", { name: "Chat" }).textContent()).toContain("1");
    // What is seen is what a speech-input user says (WCAG 2.5.3): the label, then the count.
    await guest.page.getByRole("button", { name: "Chat 1 unread", exact: true }).waitFor();
    await check(guest, "in the call, unread chat");
    await guest.page.getByRole("button", { name: "Chat" }).click();
    await guest.page.getByRole("list", { name: "Chat" }).getByText("Welcome, Cleo").waitFor();
    await check(guest, "chat");

    // A signed-in member knocks: a count on the host's Participants button, then the open panel.
    await member.page.goto(path);
    await member.page.getByRole("button", { name: "Ask to join" }).waitFor();
    await member.page.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await check(member, "join page, member");
    await member.page.getByRole("button", { name: "Ask to join" }).click();
    await member.page.getByRole("status").filter({ hasText: "Waiting for the host" }).waitFor();
    await expect
      .poll(() => host.page.getByRole("button", { name: "Participants" }).textContent())
      .toContain("1");
    await host.page.getByRole("button", { name: "Participants 1 waiting to join", exact: true }).waitFor();
    await guest.page.getByRole("button", { name: "React", exact: true }).waitFor();
    await check(host, "in the call, a knock counted on Participants");
    await host.page.getByRole("button", { name: "Participants" }).click();
    await host.page.getByRole("list", { name: "Participants" }).waitFor();
    await check(host, "participants, with a knock");
    await admit(host, member);

    await host.page.getByRole("button", { name: "Devices" }).click();
    await host.page.getByRole("heading", { name: "Devices" }).waitFor();
    await check(host, "devices");

    await guest.page.getByRole("button", { name: "Leave" }).click();
    await guest.page.getByText("You left the call").waitFor();
    await check(guest, "after leaving");
    await guest.context.close();

    await host.page.getByRole("button", { name: "End call for everyone" }).click();
    await host.page.getByRole("alertdialog").waitFor();
    await check(host, "end call for everyone, confirming");
    await host.page.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
    await member.page.getByText("The call has ended").waitFor();
    await check(member, "call ended");
    await member.context.close();
    await host.page.getByText("The call has ended").waitFor();

    await host.page.goto("/logs");
    await host.page.getByRole("table", { name: "Call history" }).getByRole("row").nth(1).waitFor();
    await check(host, "history");
    console.log(
      `axe: ${audits} screens × ${WIDTHS.length} widths audited in ${Math.round(auditMs / 1000)} s`,
    );
    expect(findings).toEqual([]);
  }, 240_000);
});
