// Two engines in one call, each making the first offer once: the guest offers (while knocking) and the
// host answers, so a Chromium host with a Firefox guest has Firefox offer, and the reverse has Chromium.
import { describe, expect, it } from "vitest";
import {
  callWithHost,
  cameraLimits,
  connections,
  expectMediaFlowing,
  join,
  knockAndAdmit,
  qualityDetails,
  sentFrames,
} from "./support/call";
import { type Engine, interopSuite } from "./support/engines";
import { eventually, type Person } from "./support/person";

describe("a call between Chromium and Firefox", () => {
  const suite = interopSuite<Person>();
  const { people } = suite;

  const pairs: { host: Engine; guest: Engine }[] = [
    { host: "chromium", guest: "firefox" },
    { host: "firefox", guest: "chromium" },
  ];
  for (const { host: hostEngine, guest: guestEngine } of pairs)
    it(`${hostEngine} host, ${guestEngine} guest: the guest's offer is answered, both see and hear each other`, async () => {
      const { host, path } = await callWithHost(
        suite.engines,
        people,
        hostEngine,
        "Hana",
        `${hostEngine} hosts`,
      );
      const guest = await join(suite.engines, people, guestEngine, "Gus");
      await knockAndAdmit(host, guest, path);
      await expectMediaFlowing(host, "Gus");
      await expectMediaFlowing(guest, "Hana");
      // The guest's engine made the first offer (while knocking), the host's engine answered it.
      const offers = (await sentFrames(guest)).filter(
        (f) => f.event_type === "knock_offer" || f.event_type === "offer",
      );
      expect(offers.length).toBeGreaterThan(0);
      expect((await sentFrames(host)).filter((f) => f.event_type === "answer").length).toBeGreaterThan(0);
      expect((await sentFrames(host)).filter((f) => f.event_type === "offer")).toEqual([]);
      // Each engine's getStats feeds the quality indicator, and each applied the 2-person camera cap.
      expect(await qualityDetails(host, "Gus")).toMatch(/Packet loss0 %/);
      expect(await qualityDetails(guest, "Hana")).toMatch(/Packet loss0 %/);
      for (const p of [host, guest])
        await eventually(
          () => cameraLimits(p),
          (limits) => JSON.stringify(limits) === JSON.stringify([{ maxBitrate: 1_500_000, scale: 1 }]),
          `${p.name} (${p.engine}): camera cap`,
        );
      for (const p of [host, guest])
        expect(await connections(p)).toEqual([
          expect.objectContaining({ signaling: "stable", connection: "connected" }),
        ]);
    });
});
