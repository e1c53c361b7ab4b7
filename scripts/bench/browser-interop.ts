// Admit → first decoded remote frame for a Chromium host and a Firefox ESR guest (puppeteer-core over
// WebDriver BiDi), measured in the same run, stack and conditions as the Chromium ↔ Chromium row. The
// Firefox page gets the same probe (browser-probes.ts); both probes read epoch time, so the host's Admit
// click and the guest's first frame compare across the two browser processes.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import puppeteer, { type Browser as FirefoxBrowser } from "puppeteer-core";
import { FIREFOX_PATH, FIREFOX_PREFS } from "../../test/interop/support/engines.ts";
import { firefoxPerson } from "../../test/interop/support/person.ts";
import {
  admit,
  type HostAccount,
  hostJoins,
  leave,
  newPerson,
  probeOf,
  waitFirstFrames,
} from "./browser-call.ts";
import { type BenchProbe, installProbe, pageSource } from "./browser-probes.ts";
import { type Summary, summarize } from "./stats.ts";

/**
 * Firefox gathers no ICE candidates on a host whose only interface is loopback, which is what the bench's
 * private namespace has: there (and only there) a veth end with a lab address and the default route.
 */
function labAddressForFirefox(): void {
  if (process.env.VCME_IN_NETNS !== "1") return;
  const links = execFileSync("ip", ["-o", "link", "show"]).toString();
  if (links.includes("vcme-ff0")) return;
  for (const args of [
    ["link", "add", "vcme-ff0", "type", "veth", "peer", "name", "vcme-ff1"],
    ["addr", "add", "198.19.0.1/24", "dev", "vcme-ff0"],
    ["link", "set", "vcme-ff1", "up"],
    ["link", "set", "vcme-ff0", "up"],
    ["route", "add", "default", "dev", "vcme-ff0"],
  ])
    execFileSync("ip", args);
}

/** Whether this machine has Firefox for the row. */
export const firefoxAvailable = () => existsSync(FIREFOX_PATH);

/**
 * `runs` starts of a call whose host is Chromium (in `chromium`) and guest Firefox: Admit pressed → the
 * first decoded remote frame on both sides. Failed runs go to `failed` and are left out.
 */
export async function interopStart(
  chromium: Browser,
  baseUrl: string,
  apiUrl: string,
  hostAccount: HostAccount,
  createCall: (title: string) => Promise<string>,
  runs: number,
  failed: (what: string, error: unknown) => void,
): Promise<{ both: Summary; first: Summary }> {
  const bothSides: number[] = [];
  const firstSide: number[] = [];
  let firefox: FirefoxBrowser;
  try {
    labAddressForFirefox();
    firefox = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: FIREFOX_PREFS,
    });
  } catch (error) {
    failed("VCME admit → first frame, Chromium host ↔ Firefox guest (Firefox did not start)", error);
    return { both: summarize(bothSides), first: summarize(firstSide) };
  }
  try {
    for (let i = 0; i < runs; i++) {
      const host = await newPerson(chromium, baseUrl, apiUrl, hostAccount);
      const context = await firefox.createBrowserContext().catch((error: unknown) => {
        failed("VCME admit → first frame, Chromium host ↔ Firefox guest", error);
        return null;
      });
      if (!context) {
        await leave(host);
        continue;
      }
      try {
        const link = await createCall(`Bench interop ${i}`);
        const page = await context.newPage({ type: "window" });
        await page.setViewport({ width: 1280, height: 800 });
        await page.evaluateOnNewDocument(pageSource(installProbe));
        const guest = firefoxPerson("Guest", page, baseUrl, () => context.close());
        await hostJoins(host, link);
        await guest.goto(`/call/${link}`);
        await page.waitForFunction(() => window.__bench?.readyAt != null, { polling: 10, timeout: 30_000 });
        await guest.fill("Your name", "Guest");
        await guest.click({ role: "button", name: "Ask to join" });
        await guest.waitFor({ role: "status", text: "Waiting for the host" }, { timeout: 30_000 });
        await admit(host, "Guest");
        await Promise.all([
          waitFirstFrames(host.page, 1),
          page.waitForFunction(() => window.__bench.firstFrames.length >= 1, {
            polling: 20,
            timeout: 30_000,
          }),
        ]);
        const h = await probeOf(host.page);
        const g: BenchProbe = await page.evaluate(() => window.__bench);
        const admittedAt = h.clicks.find((click) => click.label === "Admit")?.at;
        const hostFrame = h.firstFrames[0]?.at;
        const guestFrame = g.firstFrames[0]?.at;
        if (admittedAt === undefined || hostFrame === undefined || guestFrame === undefined) continue;
        bothSides.push(Math.max(hostFrame, guestFrame) - admittedAt);
        firstSide.push(Math.min(hostFrame, guestFrame) - admittedAt);
      } catch (error) {
        failed("VCME admit → first frame, Chromium host ↔ Firefox guest", error);
      } finally {
        await context.close().catch(() => undefined);
        await leave(host);
      }
    }
  } finally {
    await firefox.close().catch(() => undefined);
  }
  return { both: summarize(bothSides), first: summarize(firstSide) };
}
