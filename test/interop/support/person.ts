// A person in a call in either engine, behind one small interface, so an interop test reads like the
// Chromium-only ones: it names what is on screen by role and accessible name (playwright's getByRole in
// Chromium, puppeteer's ARIA selector — WebDriver BiDi's accessibility locator — in Firefox) and reads
// what the page receives with the same in-page probes. Both engines get the probes of test/e2e.
import type { Page as ChromiumPage, Locator } from "playwright-core";
import type { ElementHandle, Page as FirefoxPage } from "puppeteer-core";
import { expect } from "vitest";
import { person as chromiumPerson, PROBES } from "../../e2e/call-support";
import { baseUrl } from "../../e2e/support/browser";
import type { Engine, Engines } from "./engines";

/** Something on screen: a role with its accessible name, optionally pressed, containing text, inside another. */
export interface Target {
  role: string;
  name?: string;
  pressed?: boolean;
  /** Only elements whose text contains this. */
  text?: string;
  within?: Target;
}

export interface WaitOptions {
  /** "attached" (default): at least one matches; "detached": none does. */
  state?: "attached" | "detached";
  timeout?: number;
}

export interface Person {
  name: string;
  engine: Engine;
  /** Opens a path of the app (or a full URL). */
  goto(path: string): Promise<void>;
  click(target: Target): Promise<void>;
  /** Types into the field labelled `label`, replacing what it held. */
  fill(label: string, value: string): Promise<void>;
  /** Chooses the option `value` of the select labelled `label`. */
  select(label: string, value: string): Promise<void>;
  waitFor(target: Target, options?: WaitOptions): Promise<void>;
  count(target: Target): Promise<number>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Runs `fn` on the first element that matches `target` (waiting for it). */
  evaluateOn<R, A>(target: Target, fn: (element: Element, arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** The page's visible text, for failure messages. */
  screenText(): Promise<string>;
  /** Each child frame's URL and text (null where its document cannot be read, e.g. an error page). */
  frames(): Promise<{ url: string; text: string | null }[]>;
  /** Console messages the page logged so far (the frames' too, where the engine reports them). */
  consoleMessages(): string[];
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT = 15_000;

/** A fresh profile of `engine` with the probes installed, at the 1280 × 800 viewport of the e2e tests. */
export async function newPerson(engines: Engines, engine: Engine, name: string): Promise<Person> {
  if (engine === "chromium") {
    const p = await chromiumPerson(engines.chromium, name);
    return chromium(name, p.page, () => p.context.close());
  }
  const context = await engines.firefox.createBrowserContext();
  // A window of its own: a background tab of a shared window is not painted, so it presents no video.
  const page = await context.newPage({ type: "window" });
  await page.setViewport({ width: 1280, height: 800 });
  await page.evaluateOnNewDocument(PROBES);
  return firefoxPerson(name, page, baseUrl(), () => context.close());
}

function chromium(name: string, page: ChromiumPage, close: () => Promise<void>): Person {
  const messages: string[] = [];
  page.on("console", (message) => messages.push(message.text()));
  const locate = (t: Target): Locator => {
    const scope = t.within ? locate(t.within) : page;
    let found = scope.getByRole(t.role as Parameters<ChromiumPage["getByRole"]>[0], {
      ...(t.name === undefined ? {} : { name: t.name, exact: true }),
      ...(t.pressed === undefined ? {} : { pressed: t.pressed }),
    });
    if (t.text !== undefined) found = found.filter({ hasText: t.text });
    return found;
  };
  const self: Person = {
    name,
    engine: "chromium",
    goto: async (path) => {
      await page.goto(path);
    },
    click: (t) => locate(t).first().click({ timeout: DEFAULT_TIMEOUT }),
    fill: (label, value) => page.getByLabel(label).fill(value),
    select: async (label, value) => {
      await page.getByLabel(label).selectOption(value);
    },
    waitFor: (t, options = {}) =>
      locate(t)
        .first()
        .waitFor({
          state: options.state === "detached" ? "detached" : "attached",
          timeout: options.timeout ?? DEFAULT_TIMEOUT,
        })
        .catch(async (error: unknown) => {
          throw new Error(`${name} (chromium): ${describe(t)} not ${options.state ?? "attached"}`, {
            cause: error,
          });
        }),
    count: (t) => locate(t).count(),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    evaluateOn: (t, fn, arg) =>
      locate(t)
        .first()
        .evaluate(fn as never, arg, { timeout: DEFAULT_TIMEOUT }) as never,
    screenText: () => page.locator("body").ariaSnapshot(),
    frames: () => childFrames(page.frames(), page.mainFrame()),
    consoleMessages: () => messages,
    close,
  };
  return self;
}

/** A person on a Firefox page (puppeteer over WebDriver BiDi) whose paths are relative to `base`. */
export function firefoxPerson(
  name: string,
  page: FirefoxPage,
  base: string,
  close: () => Promise<void>,
): Person {
  const messages: string[] = [];
  page.on("console", (message) => messages.push(message.text()));
  async function findAll(t: Target): Promise<ElementHandle<Element>[]> {
    const roots: (ElementHandle<Element> | FirefoxPage)[] = t.within ? await findAll(t.within) : [page];
    const attributes = `${t.name === undefined ? "" : `[name=${JSON.stringify(t.name)}]`}[role="${t.role}"]`;
    const found: ElementHandle<Element>[] = [];
    for (const root of roots) {
      for (const element of await root.$$(`::-p-aria(${attributes})`)) {
        const keep = await element.evaluate(
          (el, want) =>
            (want.pressed === null || el.getAttribute("aria-pressed") === String(want.pressed)) &&
            (want.text === null || (el.textContent ?? "").includes(want.text)),
          { pressed: t.pressed ?? null, text: t.text ?? null },
        );
        if (keep) found.push(element);
      }
    }
    return found;
  }
  async function waitFor(t: Target, options: WaitOptions = {}): Promise<ElementHandle<Element> | null> {
    const until = Date.now() + (options.timeout ?? DEFAULT_TIMEOUT);
    const detached = options.state === "detached";
    for (;;) {
      const found = await findAll(t).catch(() => []);
      if (detached ? found.length === 0 : found.length > 0) return found[0] ?? null;
      if (Date.now() > until) {
        const screen = await self.screenText().catch(() => "");
        throw new Error(
          `${name} (firefox): ${describe(t)} not ${options.state ?? "attached"}; the screen shows:\n${screen}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  /** The form control labelled `label`: by its <label> (exact text first) or its aria-label. */
  async function field(label: string): Promise<ElementHandle<Element>> {
    const until = Date.now() + DEFAULT_TIMEOUT;
    for (;;) {
      const handle = await page.evaluateHandle((text) => {
        const labels = [...document.querySelectorAll("label")];
        const exact = labels.find((l) => l.textContent?.trim() === text);
        const loose = labels.find((l) => l.textContent?.includes(text));
        return (
          (exact ?? loose)?.control ?? document.querySelector(`[aria-label=${JSON.stringify(text)}]`) ?? null
        );
      }, label);
      const element = handle.asElement();
      if (element) return element as ElementHandle<Element>;
      if (Date.now() > until) throw new Error(`${name} (firefox): no field labelled ${label}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const self: Person = {
    name,
    engine: "firefox",
    goto: async (path) => {
      await page.goto(new URL(path, base).href);
    },
    click: async (t) => {
      const element = await waitFor(t);
      await element?.click();
    },
    fill: async (label, value) => {
      const element = await field(label);
      await element.asLocator().fill(value);
    },
    select: async (label, value) => {
      const element = await field(label);
      await (element as ElementHandle<HTMLSelectElement>).select(value);
    },
    waitFor: async (t, options) => {
      await waitFor(t, options);
    },
    count: async (t) => (await findAll(t)).length,
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    evaluateOn: async (t, fn, arg) => {
      const element = await waitFor(t);
      return element?.evaluate(fn as never, arg) as never;
    },
    screenText: () => page.evaluate(() => document.body.textContent ?? ""),
    frames: () => childFrames(page.frames(), page.mainFrame()),
    consoleMessages: () => messages,
    close,
  };
  return self;
}

/** A frame of either driver: its URL, and a function it can run. */
interface AnyFrame {
  url(): string;
  evaluate(fn: () => string): Promise<string>;
}

/** Each child frame's URL and text (null where its document cannot be read, e.g. an error page). */
function childFrames(frames: AnyFrame[], main: AnyFrame): Promise<{ url: string; text: string | null }[]> {
  return Promise.all(
    frames
      .filter((f) => f !== main)
      .map(async (f) => ({
        url: f.url(),
        text: await f.evaluate(() => document.body?.textContent ?? "").catch(() => null),
      })),
  );
}

function describe(t: Target): string {
  const own = `${t.role}${t.name === undefined ? "" : ` "${t.name}"`}${t.pressed === undefined ? "" : ` pressed=${t.pressed}`}${t.text === undefined ? "" : ` with "${t.text}"`}`;
  return t.within ? `${own} in ${describe(t.within)}` : own;
}

/** Polls `read` until `accept` holds (vitest's expect.poll with a readable failure). */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeout = 20_000,
): Promise<T> {
  const until = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > until) {
      expect.fail(`${what}: still ${JSON.stringify(last)} after ${timeout} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
