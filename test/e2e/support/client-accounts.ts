// Helpers for the client's browser tests: a new account through the real sign-up screen, a call
// through the real home screen, and screenshots of each screen for people to look at.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { uniqueEmail } from "./browser";

const artifacts = fileURLToPath(new URL("../artifacts/", import.meta.url));

export interface Person {
  name: string;
  email: string;
  password: string;
}

/** Saves a full-page screenshot as test/e2e/artifacts/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** Signs a new person up through /signup and waits for their home screen. */
export async function signUp(page: Page, label: string): Promise<Person> {
  const person = { name: `${label} Tester`, email: uniqueEmail(label), password: `pw-${label}-0123456789` };
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Email", { exact: true }).fill(person.email);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  try {
    await page.getByRole("heading", { name: `Hi, ${person.name}` }).waitFor();
  } catch (error) {
    // Keep what the screen showed, so a failure can be understood from the artifacts alone.
    await shot(page, `signup-failed-${label}`);
    throw error;
  }
  return person;
}

/** Logs in through /login (the page may carry ?next=). */
export async function logIn(
  page: Page,
  person: Pick<Person, "email" | "password">,
  at = "/login",
): Promise<void> {
  await page.goto(at);
  await page.getByLabel("Email", { exact: true }).fill(person.email);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Logs out with the header's button and waits until the log-in page shows (the cookie is gone by then). */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in" }).waitFor();
}

/** Creates a call from the home screen and returns its link slug. */
export async function createCall(
  page: Page,
  title: string,
  options: { guests?: boolean } = {},
): Promise<string> {
  await page.goto("/");
  await page.getByLabel("Title", { exact: true }).fill(title);
  const guests = page.getByLabel("People without an account can ask to join");
  if ((await guests.isChecked()) !== (options.guests ?? true)) await guests.click();
  await page.getByRole("button", { name: "New call" }).click();
  await page.getByRole("button", { name: "Copy link", exact: true }).waitFor();
  const href = await page.getByRole("link", { name: "Open the call" }).getAttribute("href");
  const link = href?.replace(/^\/call\//, "");
  if (!link) throw new Error("the new call has no link");
  return link;
}
