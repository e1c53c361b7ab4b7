// Driving VCME in Chromium for the browser benchmarks: a host account made over the REST API (its refresh
// cookie handed to the browser), calls created the same way, then the real pages: join, knock, admit.
// A CDP recorder keeps every request, WebSocket handshake and frame a page makes, with Chromium's times.
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { type BenchProbe, installProbe, pageSource } from "./browser-probes.ts";

/** What the server sees as the password: the browser's PBKDF2 output, any 64 hex characters. */
const PASSWORD = "cd".repeat(32);

export interface HostAccount {
  name: string;
  email: string;
}

/** Signs a host up over the REST API of the stack at `apiUrl`. */
export async function signUpHost(apiUrl: string, name: string): Promise<HostAccount> {
  const email = `bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const response = await fetch(`${apiUrl}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  return { name, email };
}

/** Logs the host in over the API: a fresh access token and refresh cookie (one per browser profile). */
async function logIn(apiUrl: string, host: HostAccount): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${apiUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: host.email, password: PASSWORD }),
  });
  const body = (await response.json()) as { access_token?: string };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => /^vcme_refresh=([^;]*)/.exec(line)?.[1])
    .find(Boolean);
  if (!response.ok || !body.access_token || !cookie) throw new Error(`login failed: ${response.status}`);
  return { token: body.access_token, cookie };
}

/** Creates a call that admits guests; returns its link slug. */
export async function createCall(apiUrl: string, host: HostAccount, title: string): Promise<string> {
  const { token } = await logIn(apiUrl, host);
  const response = await fetch(`${apiUrl}/api/calls`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ title, allow_guests: true }),
  });
  const body = (await response.json()) as { call?: { link?: string } };
  if (!response.ok || !body.call?.link) throw new Error(`create call failed: ${response.status}`);
  return body.call.link;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  trace: NetworkTrace;
}

/**
 * A fresh browser profile on `baseUrl` with the probe, any `initScripts` and the CDP recorder; signed in
 * when `host` is given.
 */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  apiUrl: string,
  host?: HostAccount,
  initScripts: string[] = [],
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    permissions: ["camera", "microphone"],
    viewport: { width: 1280, height: 800 },
  });
  if (host) {
    const { cookie } = await logIn(apiUrl, host);
    await context.addCookies([
      {
        name: "vcme_refresh",
        value: cookie,
        url: `${baseUrl}/api/auth`,
        httpOnly: true,
        secure: true,
        sameSite: "Lax",
      },
    ]);
  }
  await context.addInitScript({ content: pageSource(installProbe) });
  for (const content of initScripts) await context.addInitScript({ content });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const trace = await recordNetwork(cdp);
  return { context, page, cdp, trace };
}

/**
 * One request, socket handshake or socket frame (or, merged in for reading, one thing the page's peer
 * connection or remote video did), in milliseconds of Chromium's monotonic clock.
 */
export interface TraceEvent {
  kind: "request" | "socket" | "sent" | "received" | "page";
  label: string;
  start: number;
  end: number;
  /** The frame's text, for socket frames. */
  data?: string;
}

export interface NetworkTrace {
  events: TraceEvent[];
  /** Chromium's monotonic ms of the page's load event (the latest one). */
  loadedAt: number | null;
  /** Adds this to an epoch-ms page time to get Chromium's monotonic ms. */
  epochToMonotonic: number | null;
}

async function recordNetwork(cdp: CDPSession): Promise<NetworkTrace> {
  const trace: NetworkTrace = { events: [], loadedAt: null, epochToMonotonic: null };
  const open = new Map<string, TraceEvent>();
  const sockets = new Map<string, string>();
  cdp.on("Network.requestWillBeSent", (e) => {
    if (trace.epochToMonotonic === null) trace.epochToMonotonic = e.timestamp * 1000 - e.wallTime * 1000;
    const url = new URL(e.request.url);
    const event: TraceEvent = {
      kind: "request",
      label: `${e.request.method} ${url.pathname}`,
      start: e.timestamp * 1000,
      end: Number.NaN,
    };
    open.set(e.requestId, event);
    trace.events.push(event);
  });
  const finish = (e: { requestId: string; timestamp: number }) => {
    const event = open.get(e.requestId);
    if (event) event.end = e.timestamp * 1000;
    open.delete(e.requestId);
  };
  cdp.on("Network.loadingFinished", finish);
  cdp.on("Network.loadingFailed", finish);
  cdp.on("Network.webSocketCreated", (e) => sockets.set(e.requestId, new URL(e.url).pathname));
  cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => {
    const event: TraceEvent = {
      kind: "socket",
      label: `WebSocket ${sockets.get(e.requestId) ?? ""}`,
      start: e.timestamp * 1000,
      end: Number.NaN,
    };
    open.set(`ws:${e.requestId}`, event);
    trace.events.push(event);
  });
  cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
    const event = open.get(`ws:${e.requestId}`);
    if (event) event.end = e.timestamp * 1000;
  });
  const frame =
    (kind: "sent" | "received") => (e: { timestamp: number; response: { payloadData: string } }) => {
      const type = /"event_type"\s*:\s*"([a-z_]+)"/.exec(e.response.payloadData)?.[1] ?? "binary";
      const at = e.timestamp * 1000;
      trace.events.push({ kind, label: type, start: at, end: at, data: e.response.payloadData });
    };
  cdp.on("Network.webSocketFrameSent", frame("sent"));
  cdp.on("Network.webSocketFrameReceived", frame("received"));
  cdp.on("Page.loadEventFired", (e) => {
    trace.loadedAt = e.timestamp * 1000;
  });
  await cdp.send("Network.enable");
  await cdp.send("Page.enable");
  return trace;
}

/** The page's probe. */
export function probeOf(page: Page): Promise<BenchProbe> {
  return page.evaluate(() => window.__bench);
}

/** Waits until the page's join screen is ready (preview and microphone on, join button enabled). */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__bench?.readyAt != null, null, { polling: 10, timeout: 30_000 });
}

/** Waits until the page has decoded a first frame from `count` remote video tracks. */
export async function waitFirstFrames(page: Page, count: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction((n) => window.__bench.firstFrames.length >= n, count, { polling: 20, timeout });
}

/**
 * Opens `path`, trying twice more a second apart: under load the dev stack now and then answers a page
 * with an empty error (e.g. while the client is being rebuilt), and one such answer should not cost a run.
 */
async function open(page: Page, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(path);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** The host opens the call link and joins as soon as the page allows. */
export async function hostJoins(host: Person, link: string): Promise<void> {
  await open(host.page, `/call/${link}`);
  await waitReady(host.page);
  await host.page.getByRole("button", { name: "Join now" }).click();
  await host.page.getByRole("button", { name: "Leave" }).waitFor({ timeout: 30_000 });
}

/** A guest opens the call link, gives a name and knocks, as soon as the page allows. */
export async function guestKnocks(guest: Person, link: string, name: string): Promise<void> {
  await open(guest.page, `/call/${link}`);
  await waitReady(guest.page);
  await guest.page.getByLabel("Your name").fill(name);
  await guest.page.getByRole("button", { name: "Ask to join" }).click();
  await guest.page
    .getByRole("status")
    .filter({ hasText: "Waiting for the host" })
    .waitFor({ timeout: 30_000 });
}

/** The host presses Admit for the knocking guest called `name`. */
export async function admit(host: Person, name: string): Promise<void> {
  await host.page
    .getByRole("list", { name: "Waiting room" })
    .getByRole("listitem")
    .filter({ hasText: name })
    .getByRole("button", { name: "Admit" })
    .click({ timeout: 30_000 });
}

/** Closes a person's browser profile (their socket closes, so they leave the room). */
export async function leave(p: Person): Promise<void> {
  await p.context.close().catch(() => undefined);
}
