// The first minute of a call, in real Chromium: whoever presses Join before their camera has started gets
// what the toggles showed, and a host in another tab notices every knock.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  admit,
  createCall,
  expectMediaFlowing,
  guestKnocks,
  hostJoins,
  inCall,
  offersSent,
  type Person,
  person,
  signUp,
  slowDevices,
  tile,
} from "./call-support";
import { launchBrowser } from "./support/browser";

/** How long the slow camera and microphone take to start. */
const SLOW_MS = 1_500;

/**
 * Test-only instrumentation of a host's pages: every system notification the app creates (the real
 * Notification, subclassed to be remembered), every chime tone started, and calls of `window.focus`.
 * Headless Chromium never reports a permission not asked for yet ("default": it says "granted" or
 * "denied"), so until the page asks, the subclass says "default"; asking is the browser's own answer.
 */
const KNOCK_PROBE = `
  (() => {
    const made = [];
    const Native = window.Notification;
    let asked = false;
    if (Native) {
      window.Notification = class extends Native {
        static get permission() {
          return asked ? Native.permission : "default";
        }
        static requestPermission() {
          asked = true;
          return Native.requestPermission();
        }
        constructor(title, options) {
          super(title, options);
          made.push({ title, body: options?.body ?? "", closed: false, notification: this });
        }
        close() {
          const entry = made.find((m) => m.notification === this);
          if (entry) entry.closed = true;
          super.close();
        }
      };
    }
    let tones = 0;
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) {
      tones += 1;
      return start.apply(this, args);
    };
    let focused = 0;
    const focus = window.focus.bind(window);
    window.focus = () => {
      focused += 1;
      focus();
    };
    window.__knockProbe = { made, tones: () => tones, focused: () => focused };
  })();
`;

interface KnockProbe {
  notifications: { title: string; body: string; closed: boolean }[];
  /** Tones started: a knock's chime is two. */
  tones: number;
  focused: number;
}

type ProbeWindow = {
  __knockProbe: {
    made: { title: string; body: string; closed: boolean; notification: Notification }[];
    tones(): number;
    focused(): number;
  };
};

function knockProbe(p: Person): Promise<KnockProbe> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as ProbeWindow).__knockProbe;
    return {
      notifications: probe.made.map(({ title, body, closed }) => ({ title, body, closed })),
      tones: probe.tones(),
      focused: probe.focused(),
    };
  });
}

describe("the first minute of a call", () => {
  let browser: Browser;
  const people: Person[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function newPerson(name: string): Promise<Person> {
    const p = await person(browser, name);
    people.push(p);
    return p;
  }

  /** The in-call Microphone and Camera toggles of `p` both show on. */
  async function togglesOn(p: Person): Promise<void> {
    const controls = p.page.getByRole("toolbar", { name: "Call controls" });
    await controls.getByRole("button", { name: "Microphone", pressed: true }).waitFor({ timeout: 10_000 });
    await controls.getByRole("button", { name: "Camera", pressed: true }).waitFor({ timeout: 10_000 });
  }

  it("a host who presses Join now while the camera is still starting is seen and heard, and shown on", async () => {
    const host = await newPerson("Hana");
    await signUp(host);
    const path = await createCall(host, "Slow camera");
    // Someone is already knocking, so the host's connection exists before the camera does.
    const guest = await newPerson("Gil");
    await guestKnocks(guest, path);

    await slowDevices(host, SLOW_MS);
    await host.page.goto(path);
    const join = host.page.getByRole("button", { name: "Join now" });
    await join.waitFor();
    // Pressed while the preview still says so, and both toggles show on.
    await host.page.getByText("Starting your camera…").waitFor();
    await host.page.getByRole("button", { name: "Camera", pressed: true }).waitFor();
    await host.page.getByRole("button", { name: "Microphone", pressed: true }).waitFor();
    await join.click();
    await inCall(host);
    await togglesOn(host);
    await host.page
      .getByRole("list", { name: "Waiting room" })
      .getByRole("listitem")
      .filter({ hasText: "Gil" })
      .getByRole("button", { name: "Admit" })
      .click();
    await inCall(guest);

    await expectMediaFlowing(guest, "Hana");
    await expectMediaFlowing(host, "Gil");
    await togglesOn(host);
    // The guest's tile of the host shows them unmuted with their camera on.
    await tile(guest, "Hana").getByRole("img", { name: "Microphone on" }).waitFor();
    expect(await tile(guest, "Hana").getByRole("img", { name: "Camera off" }).count()).toBe(0);
    // The late tracks went onto the slots the connection already had: the host never offered again.
    expect(await offersSent(host)).toBe(0);
    // The late microphone is watched too: the host's own tile lights up when the fake microphone beeps.
    await expect
      .poll(() => tile(host, "Hana").getAttribute("class"), { timeout: 10_000, interval: 100 })
      .toContain("speaking");
  });

  it("a guest who presses Ask to join at once, admitted 3 s later, arrives with camera and microphone on", async () => {
    const host = await newPerson("Hugo");
    await signUp(host);
    const path = await createCall(host, "Slow knock");
    await hostJoins(host, path);

    const guest = await newPerson("Gita");
    await slowDevices(guest, SLOW_MS);
    await guest.page.goto(path);
    await guest.page.getByLabel("Your name").fill("Gita");
    await guest.page.getByText("Starting your camera…").waitFor();
    await guest.page.getByRole("button", { name: "Ask to join" }).click();
    await guest.page.getByRole("status").filter({ hasText: "Waiting for the host" }).waitFor();
    const admit = host.page
      .getByRole("list", { name: "Waiting room" })
      .getByRole("listitem")
      .filter({ hasText: "Gita" })
      .getByRole("button", { name: "Admit" });
    await admit.waitFor();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await admit.click();
    await inCall(guest);

    await expectMediaFlowing(host, "Gita");
    await expectMediaFlowing(guest, "Hugo");
    await togglesOn(guest);
    await tile(host, "Gita").getByRole("img", { name: "Microphone on" }).waitFor();
    expect(await tile(host, "Gita").getByRole("img", { name: "Camera off" }).count()).toBe(0);
    // One connection, negotiated once (the offer made while knocking, or its resend on admission).
    expect(await offersSent(guest)).toBeLessThanOrEqual(1);
    expect(await offersSent(host)).toBe(0);
  });

  it("a camera that fails after Join now was pressed is said in the call; the microphone still works", async () => {
    const host = await newPerson("Ines");
    await signUp(host);
    const path = await createCall(host, "Busy camera");
    const guest = await newPerson("Jon");
    await guestKnocks(guest, path);

    await slowDevices(host, SLOW_MS, { cameraFails: true });
    await host.page.goto(path);
    await host.page.getByText("Starting your camera…").waitFor();
    await host.page.getByRole("button", { name: "Join now" }).click();
    await inCall(host);
    // Told in words, and the toggle goes off rather than pretending.
    await host.page
      .getByRole("alert")
      .filter({ hasText: "The camera is in use by another app." })
      .waitFor({ timeout: 10_000 });
    const controls = host.page.getByRole("toolbar", { name: "Call controls" });
    await controls.getByRole("button", { name: "Camera", pressed: false }).waitFor();
    await controls.getByRole("button", { name: "Microphone", pressed: true }).waitFor();
    await host.page.getByRole("button", { name: "Admit" }).click();
    await inCall(guest);
    // The others see the camera off, and hear the microphone.
    await tile(guest, "Ines").getByRole("img", { name: "Camera off" }).waitFor({ timeout: 10_000 });
    await tile(guest, "Ines").getByRole("img", { name: "Microphone on" }).waitFor();
    await expect
      .poll(
        () =>
          tile(guest, "Ines")
            .locator("video")
            .evaluate((video: HTMLVideoElement) => {
              const audio =
                video.srcObject instanceof MediaStream ? video.srcObject.getAudioTracks()[0] : null;
              return audio !== null && audio !== undefined && !audio.muted;
            }),
        { timeout: 15_000 },
      )
      .toBe(true);
  });

  it("a host in another tab sees the knocks counted in the title, hears one chime each and is notified", async () => {
    const host = await newPerson("Hal");
    await host.context.grantPermissions(["notifications"]);
    await host.context.addInitScript(KNOCK_PROBE);
    await signUp(host);
    const path = await createCall(host, "Weekly sync");
    await hostJoins(host, path);
    expect(await host.page.title()).toBe("Weekly sync · VCME");

    // Permission is asked only from a click on the control, which goes once it is given.
    const allow = host.page.getByRole("button", { name: "Notify me of knocks" });
    await allow.waitFor();
    await allow.click();
    await allow.waitFor({ state: "detached" });

    // Another tab comes to the front: the call's page loses the focus, as a real browser reports it.
    const cdp = await host.context.newCDPSession(host.page);
    await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
    const other = await host.context.newPage();
    await other.bringToFront();
    await expect.poll(() => host.page.evaluate(() => document.hasFocus())).toBe(false);

    const kim = await newPerson("Kim");
    await guestKnocks(kim, path);
    await expect.poll(() => host.page.title()).toBe("(1) waiting · Weekly sync");
    await expect
      .poll(async () => (await knockProbe(host)).notifications)
      .toEqual([{ title: "Kim wants to join", body: expect.stringContaining("Weekly sync"), closed: false }]);
    const lou = await newPerson("Lou");
    await guestKnocks(lou, path);
    await expect.poll(() => host.page.title()).toBe("(2) waiting · Weekly sync");
    await expect.poll(async () => (await knockProbe(host)).notifications.length).toBe(2);
    expect((await knockProbe(host)).notifications[1]?.title).toBe("Lou wants to join");
    // One chime (two tones) per knock.
    expect((await knockProbe(host)).tones).toBe(4);

    // Clicking Kim's notification brings the call forward and closes it.
    await host.page.evaluate(() =>
      (window as unknown as ProbeWindow).__knockProbe.made[0]?.notification.dispatchEvent(new Event("click")),
    );
    expect((await knockProbe(host)).focused).toBe(1);
    expect((await knockProbe(host)).notifications[0]?.closed).toBe(true);

    // Admitting and declining count down; with nobody waiting the title is the call's again.
    await admit(host, kim);
    await expect.poll(() => host.page.title()).toBe("(1) waiting · Weekly sync");
    await host.page
      .getByRole("list", { name: "Waiting room" })
      .getByRole("listitem")
      .filter({ hasText: "Lou" })
      .getByRole("button", { name: "Decline" })
      .click();
    await expect.poll(() => host.page.title()).toBe("Weekly sync · VCME");
    await expect
      .poll(async () => (await knockProbe(host)).notifications.map((n) => n.closed))
      .toEqual([true, true]);
    expect((await knockProbe(host)).tones).toBe(4);
  });
});
