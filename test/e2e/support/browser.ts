// Real Chromium (Debian's, or CHROME_PATH) driven by playwright-core, with fake camera and microphone and
// every background network feature off, so a browser test talks only to the loopback stack.
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const CHROMIUM_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--disable-features=MediaRouter,OptimizationHints,Translate",
  "--no-sandbox",
];

/**
 * Launches headless Chromium. `overrides` replace the default flag of the same name, e.g.
 * `--use-fake-device-for-media-stream=device-count=3` for three cameras; `executablePath` may be a wrapper,
 * e.g. one that runs Chromium in another network namespace.
 */
export function launchBrowser(
  overrides: string[] = [],
  executablePath = process.env.CHROME_PATH ?? "/usr/bin/chromium",
): Promise<Browser> {
  const flag = (arg: string) => arg.split("=")[0];
  const replaced = new Set(overrides.map(flag));
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS.filter((arg) => !replaced.has(flag(arg))), ...overrides],
  });
}

/** The base URL of the dev stack started for this run. */
export function baseUrl(): string {
  return inject("baseUrl");
}

/** A fresh browser profile (cookies, storage) with camera and microphone allowed for the app. */
export async function newPerson(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    permissions: ["camera", "microphone"],
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  return { context, page };
}

/** A unique email for one test person. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}
