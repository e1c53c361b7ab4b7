import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  admit,
  createCall,
  expectMediaFlowing,
  guestKnocks,
  hostJoins,
  offersSent,
  type Person,
  person,
  probeVideo,
  signUp,
  tile,
} from "./call-support";
import { launchBrowser } from "./support/browser";

interface LocalTrack {
  id: string;
  kind: string;
  deviceId: string;
  live: boolean;
}

/** Every camera and microphone track the page opened, oldest first, with the device it came from. */
function localTracks(p: Person): Promise<LocalTrack[]> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { tracks: MediaStreamTrack[] } }).__vcmeProbe;
    return probe.tracks.map((t) => ({
      id: t.id,
      kind: t.kind,
      deviceId: t.getSettings().deviceId ?? "",
      live: t.readyState === "live",
    }));
  });
}

/** The ids of the tracks the page's open peer connections send. */
function sentTrackIds(p: Person): Promise<string[]> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    return probe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .flatMap((pc) => pc.getSenders().map((sender) => sender.track?.id))
      .filter((id): id is string => id !== undefined);
  });
}

/** The one live track of a kind, after it has changed to a device other than `from`. */
async function switchedTrack(p: Person, kind: "audio" | "video", from: string): Promise<LocalTrack> {
  await expect
    .poll(
      async () => (await localTracks(p)).filter((t) => t.kind === kind && t.live).map((t) => t.deviceId),
      {
        timeout: 10_000,
      },
    )
    .toEqual([expect.not.stringMatching(`^${from}$`)]);
  const tracks = (await localTracks(p)).filter((t) => t.kind === kind);
  const live = tracks.find((t) => t.live);
  if (!live) throw new Error(`no live ${kind} track`);
  // The old device was released, not left running next to the new one.
  expect(tracks.filter((t) => t !== live).every((t) => !t.live)).toBe(true);
  // The connection sends the new track (replaceTrack) …
  await expect.poll(() => sentTrackIds(p)).toContain(live.id);
  return live;
}

describe("devices and sound in a call", () => {
  const browsers: Browser[] = [];
  const people: Person[] = [];
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    browsers.push(browser);
  });
  afterEach(async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => undefined);
  });
  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
  });

  it("switches camera and microphone mid-call, releasing the old ones; the other side keeps receiving", async () => {
    // This person's machine has several cameras. Chromium's second fake camera is a 16-bit depth camera
    // that no video encoder takes, so the switch is to the third one.
    const cameras3 = await launchBrowser(["--use-fake-device-for-media-stream=device-count=3"]);
    browsers.push(cameras3);
    const host = await person(browser, "Vera");
    const guest = await person(cameras3, "Walt");
    people.push(host, guest);
    await signUp(host);
    const path = await createCall(host, "Two cameras");
    await hostJoins(host, path);
    await guestKnocks(guest, path);
    await admit(host, guest);
    await expectMediaFlowing(host, "Walt");

    await guest.page.getByRole("button", { name: "Devices" }).click();
    const cameraSelect = guest.page.getByLabel("Camera device");
    const cameras = await cameraSelect
      .locator("option")
      .evaluateAll((options) =>
        options.map((option) => ({ id: (option as HTMLOptionElement).value, label: option.textContent })),
      );
    expect(cameras.map((camera) => camera.label)).toEqual([
      "fake_device_0",
      "fake_device_1",
      "fake_device_2",
    ]);
    const firstCamera = await cameraSelect.inputValue();
    expect(firstCamera).toBe(cameras[0]?.id);
    const otherCamera = cameras[2]?.id ?? "";
    const offersBefore = await offersSent(guest);

    await cameraSelect.selectOption(otherCamera);
    const camera = await switchedTrack(guest, "video", firstCamera);
    expect(camera.deviceId).toBe(otherCamera);
    await expect.poll(() => cameraSelect.inputValue()).toBe(otherCamera);
    await expectMediaFlowing(host, "Walt");

    const micSelect = guest.page.getByLabel("Microphone device");
    const firstMic = await micSelect.inputValue();
    const otherMic =
      (
        await micSelect
          .locator("option")
          .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))
      ).find((id) => id !== firstMic && id !== "default") ?? "";
    await micSelect.selectOption(otherMic);
    expect((await switchedTrack(guest, "audio", firstMic)).deviceId).toBe(otherMic);
    await expect.poll(async () => (await probeVideo(host, "Walt")).audioLive, { timeout: 10_000 }).toBe(true);

    // Flip: with cameras that do not say which way they face, the next camera in the list (here the first).
    await guest.page.getByRole("button", { name: "Flip camera" }).click();
    expect((await switchedTrack(guest, "video", otherCamera)).deviceId).toBe(firstCamera);
    await expectMediaFlowing(host, "Walt");
    // Swapping a track needs no renegotiation: no new offer went through the room.
    expect(await offersSent(guest)).toBe(offersBefore);
    // The guest's own tile shows the new camera too.
    await expect.poll(async () => (await probeVideo(guest, "Walt")).videoLive).toBe(true);
  });

  it("says when the browser blocked the sound, and one tap turns it on", async () => {
    // A browser that starts sound only right after a tap (as phones do). The guest's tap on Ask to join is
    // long past when the host lets them in, so the others' sound cannot start by itself.
    const strict = await launchBrowser(["--autoplay-policy=user-gesture-required"]);
    browsers.push(strict);
    const host = await person(browser, "Xena");
    const guest = await person(strict, "Yuri");
    people.push(host, guest);
    await signUp(host);
    const path = await createCall(host, "Quiet room");
    await hostJoins(host, path);
    await guestKnocks(guest, path);
    // No test action on the guest's page from here on until the banner is checked: Playwright's own
    // scripts in a page count as a tap.
    await guest.page.waitForTimeout(6_000);
    await host.page
      .getByRole("list", { name: "Waiting room" })
      .getByRole("listitem")
      .filter({ hasText: "Yuri" })
      .getByRole("button", { name: "Admit" })
      .click();
    // Once the host receives the guest, the guest has received the host too and tried to play it.
    await expectMediaFlowing(host, "Yuri");

    const banner = guest.page.getByRole("status").filter({ hasText: "Your browser paused the sound." });
    await banner.waitFor({ timeout: 15_000 });
    const remote = tile(guest, "Xena").locator("video");
    expect(await remote.evaluate((video: HTMLVideoElement) => video.paused)).toBe(true);

    await banner.getByRole("button", { name: "Turn on sound" }).click();
    await banner.waitFor({ state: "detached" });
    await expect.poll(() => remote.evaluate((video: HTMLVideoElement) => video.paused)).toBe(false);
    expect(await remote.evaluate((video: HTMLVideoElement) => video.muted)).toBe(false);
    await expectMediaFlowing(guest, "Xena");
  });
});
