import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  admit,
  callWithHost,
  cameraBitrates,
  connections,
  connectionsMade,
  createCall,
  expectMediaFlowing,
  guestKnocks,
  holdFrames,
  hostJoins,
  type Person,
  person,
  probeVideo,
  releaseFrames,
  remoteUfrags,
  sentFrames,
  signUp,
  tile,
} from "./call-support";
import { launchBrowser } from "./support/browser";

describe("a call in real browsers", () => {
  let browser: Browser;
  const people: Person[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  // Each test's people leave when it ends: a 2-core machine cannot encode video for every earlier test.
  afterEach(async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("two people: admitted, see and hear each other, see mute and camera off, chat and react", async () => {
    const host = await person(browser, "Hana");
    const guest = await person(browser, "Gus");
    people.push(host, guest);
    await signUp(host);
    const path = await createCall(host, "Two people");
    await hostJoins(host, path);
    await guestKnocks(guest, path);
    // The offer made while knocking waits in the room and is the one the host answers: the room hands it
    // over on admission, so the guest sends no offer of its own afterwards.
    await expect.poll(async () => (await connections(guest)).length).toBe(1);
    const knockingUfrag = (await connections(guest))[0]?.ufrag;
    expect(knockingUfrag).toEqual(expect.any(String));
    const sent = async (type: string) =>
      (await sentFrames(guest))
        .flat()
        .map((frame) => JSON.parse(frame))
        .filter((frame) => frame.event_type === type);
    await expect.poll(async () => (await sent("knock_offer")).length).toBeGreaterThan(0);
    const admittedAt = Date.now();
    await admit(host, guest);
    await expect.poll(() => remoteUfrags(host)).toEqual([knockingUfrag]);
    expect(await sent("offer")).toEqual([]);
    expect((await connections(guest)).length).toBe(1);
    // The call starts quickly after admission: the first frame of the host's video is on the guest's screen.
    await expect
      .poll(async () => (await probeVideo(guest, "Hana")).frames, { interval: 50, timeout: 10_000 })
      .toBeGreaterThan(0);
    const startMs = Date.now() - admittedAt;
    console.log(`call started ${startMs} ms after the host pressed Admit`);
    expect(startMs).toBeLessThan(3_000);

    await expectMediaFlowing(host, "Gus");
    await expectMediaFlowing(guest, "Hana");
    // Each side told its browser to start sending at the 2-person cap's 1 Mbit/s, not Chromium's 300 kbit/s.
    for (const p of [host, guest]) expect((await connections(p)).map((c) => c.startKbps)).toEqual([1000]);

    // The fake microphone beeps: the speaking ring lights up around the speaker's tile on the other side.
    await expect
      .poll(() => tile(host, "Gus").getAttribute("class"), { timeout: 10_000, interval: 100 })
      .toContain("speaking");

    // The connection-quality indicator opens details measured from getStats.
    await tile(host, "Gus")
      .getByRole("button", { name: /Connection quality with Gus/ })
      .click();
    await expect
      .poll(() => tile(host, "Gus").locator(".quality-popover").textContent(), { timeout: 10_000 })
      .toMatch(/\d+ kbit\/s/);
    await tile(host, "Gus")
      .getByRole("button", { name: /Connection quality with Gus/ })
      .press("Escape");

    // Mute and camera off show on the other side.
    await guest.page.getByRole("button", { name: "Microphone" }).click();
    await expect
      .poll(() => guest.page.getByRole("button", { name: "Microphone" }).getAttribute("aria-pressed"))
      .toBe("false");
    await tile(host, "Gus").getByRole("img", { name: "Microphone off" }).waitFor();
    await guest.page.getByRole("button", { name: "Camera" }).click();
    await tile(host, "Gus").getByRole("img", { name: "Camera off" }).waitFor();
    await guest.page.getByRole("button", { name: "Microphone" }).click();
    await tile(host, "Gus").getByRole("img", { name: "Microphone on" }).waitFor();

    // Chat: the host sees the message with its sender; the unread badge counts it while the panel is closed.
    await guest.page.getByRole("button", { name: "Chat" }).click();
    await guest.page.getByLabel("Message").fill("hello <b>there</b> https://example.com/x");
    await guest.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => host.page.getByRole("button", { name: "Chat" }).textContent()).toContain("1");
    await host.page.getByRole("button", { name: "Chat" }).click();
    const message = host.page
      .getByRole("list", { name: "Chat" })
      .getByRole("listitem")
      .filter({ hasText: "hello" });
    await expect.poll(() => message.textContent()).toContain("Gus");
    expect(await message.textContent()).toContain("hello <b>there</b>");
    expect(await message.getByRole("link").getAttribute("href")).toBe("https://example.com/x");

    // A reaction floats over the sender's tile on the other side.
    await host.page.getByRole("button", { name: "React", exact: true }).click();
    await host.page.getByRole("button", { name: "React 🎉" }).click();
    await tile(guest, "Hana").getByRole("img", { name: "Hana reacted 🎉" }).waitFor();

    // Raising a hand shows on the other side.
    await guest.page.getByRole("button", { name: "Raise hand" }).click();
    await tile(host, "Gus").getByRole("img", { name: "Hand raised" }).waitFor();

    // A message that is too long is refused with a reason, and the text is kept for editing.
    const tooLong = "x".repeat(2001);
    await guest.page.getByLabel("Message").fill(tooLong);
    await guest.page.getByRole("button", { name: "Send" }).click();
    await guest.page.getByRole("alert").filter({ hasText: "2000 characters" }).waitFor();
    expect(await guest.page.getByLabel("Message").inputValue()).toBe(tooLong);

    // Keyboard shortcuts work outside text fields: M toggles the microphone.
    await guest.page.getByRole("button", { name: "Camera" }).focus();
    await guest.page.keyboard.press("m");
    await expect
      .poll(() => guest.page.getByRole("button", { name: "Microphone" }).getAttribute("aria-pressed"))
      .toBe("false");
    await tile(host, "Gus").getByRole("img", { name: "Microphone off" }).waitFor();

    // The socket keeps the room's exact ping frame going every 20 s.
    await expect
      .poll(
        async () =>
          (await sentFrames(guest)).flat().filter((f) => f === '{"event_type":"ping","payload":{}}').length,
        {
          timeout: 25_000,
          interval: 1_000,
        },
      )
      .toBeGreaterThan(0);
  });

  it("the host's answering connection is ready before the newcomer's offer arrives", async () => {
    const { host, path } = await callWithHost(browser, people, "Ada", "Ready to answer");
    const guest = await person(browser, "Ben");
    people.push(guest);
    // The guest's offers (the one made while knocking too) and candidates are held back, as if its uplink
    // were slow: the room has no offer to hand over on admission.
    await holdFrames(guest, ["knock_offer", "offer", "ice_candidate"]);
    await guestKnocks(guest, path);
    await admit(host, guest);
    await expect
      .poll(() => connections(host))
      .toEqual([{ signaling: "stable", connection: "new", ufrag: null, startKbps: null }]);
    expect(await connectionsMade(host)).toBe(1);
    // Released, the late knock offer is dropped by the room and the offer sent after admission arrives:
    // that very connection answers, and the call comes up without the host making another one.
    await releaseFrames(guest);
    await expectMediaFlowing(host, "Ben");
    await expectMediaFlowing(guest, "Ada");
    expect(await connectionsMade(host)).toBe(1);
    expect((await connections(host)).map((c) => c.connection)).toEqual(["connected"]);
  });

  it("three people: a full mesh where everyone receives both others", async () => {
    const host = await person(browser, "Ines");
    const a = await person(browser, "Jon");
    const b = await person(browser, "Kai");
    people.push(host, a, b);
    await signUp(host);
    const path = await createCall(host, "Three people");
    await hostJoins(host, path);
    await guestKnocks(a, path);
    await admit(host, a);
    await guestKnocks(b, path);
    await admit(host, b);

    for (const [viewer, others] of [
      [host, ["Jon", "Kai"]],
      [a, ["Ines", "Kai"]],
      [b, ["Ines", "Jon"]],
    ] as const) {
      for (const name of others) await expectMediaFlowing(viewer, name);
      expect(await viewer.page.locator("video").count()).toBe(3);
      // With two others, each connection's camera is capped so the uplink carries both.
      await expect.poll(() => cameraBitrates(viewer)).toEqual([900_000, 900_000]);
    }
  });
});
