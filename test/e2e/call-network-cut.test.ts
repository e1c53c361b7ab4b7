// A whole network cut, not just the signaling socket: the guest's browser runs in a network namespace of
// its own whose link (media) and connections to the stack (signaling) are cut together for 10 s.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connections,
  expectIceRestarted,
  expectMediaFlowing,
  expectSeatResumed,
  markTile,
  type Person,
  probeVideo,
  selectedPairs,
  sentFrames,
  tile,
  twoInCall,
} from "./call-support";
import { baseUrl, launchBrowser } from "./support/browser";
import { type CuttableNetwork, canCutNetwork, cuttableNetwork } from "./support/netns";

const CUT_MS = 10_000;
// Only inside the private namespace scripts/e2e.ts makes: never add links to a real machine's network.
const allowed = process.env.VCME_IN_NETNS === "1" && (await canCutNetwork());

/** Everything `p` has sent so far, all sockets in order. */
async function allSent(p: Person): Promise<string[]> {
  return (await sentFrames(p)).flat();
}

/** The ICE username fragment an SDP offer of these frames carries, for every offer among them. */
function offeredUfrags(frames: string[]): string[] {
  return frames
    .map((text) => JSON.parse(text))
    .filter((frame) => frame.event_type === "offer")
    .map((frame) => /a=ice-ufrag:(\S+)/.exec(frame.payload.data.sdp ?? "")?.[1] ?? "");
}

/** The `target_id` of the first frame of this type among `frames`: the participant id it went to. */
function firstTarget(frames: string[], type: "offer" | "answer"): string {
  const frame = frames.map((text) => JSON.parse(text)).find((f) => f.event_type === type);
  return frame?.payload.target_id ?? "";
}

describe.skipIf(!allowed)("a browser whose whole network is cut", () => {
  let network: CuttableNetwork | undefined;
  let browser: Browser | undefined;
  let cutBrowser: Browser | undefined;
  const people: Person[] = [];
  beforeAll(async () => {
    network = await cuttableNetwork(baseUrl());
    browser = await launchBrowser();
    cutBrowser = await launchBrowser([], network.executablePath);
  });
  afterAll(async () => {
    for (const p of people.splice(0)) await p.context.close().catch(() => undefined);
    await cutBrowser?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await network?.close();
  });

  it("for 10 s and back: the seat is resumed and media recovers via ICE restart", {
    timeout: 240_000,
  }, async () => {
    if (!browser || !cutBrowser || !network) throw new Error("setup failed");
    const browsers = { host: browser, guest: cutBrowser };
    const { host, guest } = await twoInCall(browsers, people, { host: "Hal", guest: "Ivy" }, "Cable pulled");
    // The media really goes over the link that will be cut (the guest has no other way to the host).
    await expect
      .poll(() => selectedPairs(guest))
      .toEqual([{ local: network.farAddress, remote: network.nearAddress }]);
    await expect
      .poll(() => selectedPairs(host))
      .toEqual([{ local: network.nearAddress, remote: network.farAddress }]);
    await markTile(host, "Ivy", "before-cut");
    const before = [...(await connections(host)), ...(await connections(guest))];
    const oldUfrags = new Set(before.map((c) => c.ufrag));
    expect(before.map((c) => c.connection)).toEqual(["connected", "connected"]);
    const sentBefore = { host: (await allSent(host)).length, guest: (await allSent(guest)).length };

    const cutAt = Date.now();
    await network.cut();
    // The guest knows it is cut off; the host keeps the seat and shows it as reconnecting.
    await guest.page.getByRole("status").filter({ hasText: "Reconnecting" }).waitFor({ timeout: 5_000 });
    await tile(host, "Ivy")
      .getByRole("status")
      .filter({ hasText: "Reconnecting" })
      .waitFor({ timeout: 5_000 });
    // The media path is down too, not only signaling.
    await expect
      .poll(async () => (await connections(host))[0]?.connection, { timeout: cutAt + CUT_MS - Date.now() })
      .not.toBe("connected");
    const noticedMs = Date.now() - cutAt;
    await new Promise((resolve) => setTimeout(resolve, cutAt + CUT_MS - Date.now()));
    const framesAtRestore = {
      host: (await probeVideo(host, "Ivy")).frames,
      guest: (await probeVideo(guest, "Hal")).frames,
    };
    const restoredAt = Date.now();
    await network.restore();

    await guest.page
      .getByRole("status")
      .filter({ hasText: "Reconnecting" })
      .waitFor({ state: "detached", timeout: 45_000 });
    const socketBackMs = Date.now() - restoredAt;
    const mediaBack = await Promise.all([
      expect
        .poll(async () => (await probeVideo(host, "Ivy")).frames, { timeout: 45_000 })
        .toBeGreaterThan(framesAtRestore.host + 5)
        .then(() => Date.now() - restoredAt),
      expect
        .poll(async () => (await probeVideo(guest, "Hal")).frames, { timeout: 45_000 })
        .toBeGreaterThan(framesAtRestore.guest + 5)
        .then(() => Date.now() - restoredAt),
    ]);

    // Same seat, no knock: the new socket asked for it with the resume token.
    await expectSeatResumed(host, guest, "before-cut");
    await tile(host, "Ivy").getByRole("status").waitFor({ state: "detached", timeout: 20_000 });
    // An ICE restart: both connections run on new credentials, stable and connected again, and the
    // restart's offer (new ufrag) went through the room. Whether the path came back by itself first or
    // not, the impolite side restarts once signaling is back (client/src/rtc/negotiation.ts).
    await expectIceRestarted(host, guest, before, 45_000);
    const restartOffers = {
      host: offeredUfrags((await allSent(host)).slice(sentBefore.host)).filter((u) => !oldUfrags.has(u)),
      guest: offeredUfrags((await allSent(guest)).slice(sentBefore.guest)).filter((u) => !oldUfrags.has(u)),
    };
    expect(restartOffers.host.length + restartOffers.guest.length).toBeGreaterThan(0);
    const restartedAt = Date.now() - restoredAt;
    // Perfect negotiation: the side with the smaller participant id is the impolite one, which restarts.
    const hostId = firstTarget(await allSent(guest), "offer");
    const guestId = firstTarget(await allSent(host), "answer");
    const impolite = hostId < guestId ? "host" : "guest";
    await expect
      .poll(() => selectedPairs(guest))
      .toEqual([{ local: network.farAddress, remote: network.nearAddress }]);
    await expectMediaFlowing(host, "Ivy");
    await expectMediaFlowing(guest, "Hal");
    // Signaling works on the resumed seat: a mute reaches the host.
    await guest.page.getByRole("button", { name: "Microphone" }).click();
    await tile(host, "Ivy").getByRole("img", { name: "Microphone off" }).waitFor();

    console.log(
      `[network cut] ${CUT_MS / 1000} s cut; host saw the media path go down after ${(noticedMs / 1000).toFixed(1)} s; ` +
        `after the network came back: socket rejoined in ${(socketBackMs / 1000).toFixed(1)} s, ` +
        `video flowing again host←guest ${(mediaBack[0] / 1000).toFixed(1)} s, guest←host ${(mediaBack[1] / 1000).toFixed(1)} s, ` +
        `ICE restart done (new ufrags, stable, connected) by ${(restartedAt / 1000).toFixed(1)} s; ` +
        `restart offers sent: host ${restartOffers.host.length}, guest ${restartOffers.guest.length} ` +
        `(impolite side: ${impolite})`,
    );
  });
});
