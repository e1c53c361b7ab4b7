// The two browser engines of the interop suite. Chromium is driven by playwright-core as in test/e2e;
// Firefox ESR (Debian's `firefox-esr`, or FIREFOX_PATH) by puppeteer-core over WebDriver BiDi, with a fake
// camera and microphone and every background service that could reach the network off: a profile in these
// tests talks to nothing but the stack on 127.0.0.1 and the other browsers' WebRTC media.
import type { Browser as ChromiumBrowser } from "playwright-core";
import puppeteer, { type Browser as FirefoxBrowser } from "puppeteer-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchBrowser } from "../../e2e/support/browser";

export type Engine = "chromium" | "firefox";

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/**
 * Firefox preferences of every interop profile. puppeteer's own profile already turns off updates,
 * safebrowsing, Normandy and points remote settings at an unresolvable host; these close the rest.
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  // Fake camera (a colour-cycling picture) and microphone (a tone), granted without a prompt.
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  // Sound may start without a tap, as Chromium's --autoplay-policy=no-user-gesture-required.
  "media.autoplay.default": 0,
  "media.autoplay.blocking_policy": 0,
  // Host candidates carry the address itself, not an mDNS name nobody here can resolve.
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  // No name lookups at all: the stack is addressed by IP literal, and nothing else is to be reached.
  "network.dns.disabled": true,
  "network.trr.mode": 5,
  "network.proxy.type": 0,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.predictor.enabled": false,
  "network.prefetch-next": false,
  "network.dns.disablePrefetch": true,
  "captivedetect.canonicalURL": "",
  // No telemetry, studies, push, remote settings, blocklists, plugin (OpenH264) or region downloads.
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.unified": false,
  "toolkit.telemetry.server": "",
  "datareporting.policy.dataSubmissionEnabled": false,
  "datareporting.healthreport.uploadEnabled": false,
  "app.normandy.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "app.update.auto": false,
  "dom.push.connection.enabled": false,
  "dom.push.serverURL": "",
  "services.settings.server": "",
  "extensions.blocklist.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "media.gmp-manager.url": "",
  "media.gmp-gmpopenh264.autoupdate": false,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.safebrowsing.provider.google4.updateURL": "",
  "browser.newtabpage.enabled": false,
  "browser.startup.homepage": "about:blank",
  "privacy.trackingprotection.enabled": false,
  "security.OCSP.enabled": 0,
  "security.remote_settings.crlite_filters.enabled": false,
  "geo.provider.network.url": "",
};

/**
 * Launches headless Firefox ESR. `executablePath` may be a wrapper, e.g. one that runs it in another
 * network namespace (test/e2e/support/netns.ts).
 */
export function launchFirefox(executablePath = FIREFOX_PATH): Promise<FirefoxBrowser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
}

/** One browser of each engine, launched together and closed together. */
export interface Engines {
  chromium: ChromiumBrowser;
  firefox: FirefoxBrowser;
  close(): Promise<void>;
}

export async function launchEngines(): Promise<Engines> {
  const [chromium, firefox] = await Promise.all([launchBrowser(), launchFirefox()]);
  return {
    chromium,
    firefox,
    async close() {
      await Promise.all([chromium.close().catch(() => undefined), firefox.close().catch(() => undefined)]);
    },
  };
}

/**
 * The hooks of every interop suite: both engines launched once for the file, each test's people closed
 * when it ends (a 2-core machine cannot encode video for every earlier test), the engines at the end.
 * `suite.engines` is set once the suite's `beforeAll` ran.
 */
export function interopSuite<P extends { close(): Promise<void> }>(): { engines: Engines; people: P[] } {
  const suite = { engines: undefined as unknown as Engines, people: [] as P[] };
  beforeAll(async () => {
    suite.engines = await launchEngines();
  });
  afterEach(async () => {
    for (const p of suite.people.splice(0)) await p.close().catch(() => undefined);
  });
  afterAll(async () => {
    await suite.engines?.close();
  });
  return suite;
}
