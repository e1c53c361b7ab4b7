// The network lab, scenarios 1–4: which path a call takes between homes behind real NATs and an office
// whose firewall drops UDP, with the Worker minting credentials for a real coturn. Each test asserts the
// candidate pair getStats() reports as selected, and that everyone decodes everyone's video and audio.
import { describe, expect, it } from "vitest";
import { expectMediaFlowing } from "../e2e/call-support";
import {
  describePair,
  hostCall,
  isRelayed,
  joinAndMeasure,
  type LabPerson,
  labContext,
  pairs,
  scenePerTest,
} from "./support/people";

const lab = labContext();
const openScene = scenePerTest();

/** Both ends of the one connection between host and guest: connected, and what each side selected. */
async function selected(host: LabPerson, guest: LabPerson) {
  await expect
    .poll(async () => [...(await pairs(host)), ...(await pairs(guest))].map((p) => p.connection))
    .toEqual(["connected", "connected"]);
  const [fromHost] = await pairs(host);
  const [fromGuest] = await pairs(guest);
  if (!fromHost || !fromGuest) throw new Error("no connection");
  return { fromHost, fromGuest };
}

describe.skipIf(!lab)("the network lab: which path a call takes", () => {
  it("1. two homes behind ordinary NATs connect directly, router to router (STUN from the lab's coturn)", async () => {
    if (!lab) return;
    const scene = openScene(lab, "turn");
    const host = await scene.person("Ann", "cone");
    const guest = await scene.person("Ben", "cone");
    const path = await hostCall(host, "Direct");
    const ms = await joinAndMeasure(host, guest, path);
    // The first pair to work may be a relayed one (the relay answers at once, the NATs' filters open only
    // once both sides have sent); ICE moves to the direct pair as soon as its checks succeed.
    await expect
      .poll(async () => [...(await pairs(host)), ...(await pairs(guest))].map((p) => isRelayed(p)), {
        timeout: 15_000,
      })
      .toEqual([false, false]);
    const { fromHost, fromGuest } = await selected(host, guest);
    for (const pair of [fromHost, fromGuest]) {
      expect(isRelayed(pair), describePair(pair)).toBe(false);
      expect(["srflx", "host", "prflx"]).toContain(pair.localType);
      expect(["srflx", "host", "prflx"]).toContain(pair.remoteType);
    }
    // Straight between the two routers' public addresses: no relay in between.
    expect(fromHost.remoteAddress).toBe(guest.home.wanAddress);
    expect(fromGuest.remoteAddress).toBe(host.home.wanAddress);
    // TURN was offered and gathered, just not needed.
    expect(fromHost.gatheredTypes).toEqual(expect.arrayContaining(["relay", "srflx"]));
    console.log(
      `[lab 1] cone↔cone: ${describePair(fromHost)} / ${describePair(fromGuest)}; admit → both decoding ${ms} ms`,
    );
  });

  it("2. symmetric NAT ↔ symmetric NAT connects through TURN; both see and hear each other", async () => {
    if (!lab) return;
    const scene = openScene(lab, "turn");
    const host = await scene.person("Cat", "symmetric");
    const guest = await scene.person("Dan", "symmetric");
    const path = await hostCall(host, "Relayed");
    const ms = await joinAndMeasure(host, guest, path);
    const { fromHost, fromGuest } = await selected(host, guest);
    expect(isRelayed(fromHost), describePair(fromHost)).toBe(true);
    expect(isRelayed(fromGuest), describePair(fromGuest)).toBe(true);
    // Through the lab's coturn, not router to router.
    expect([fromHost.localAddress, fromHost.remoteAddress]).toContain(lab.turnAddress);
    // Audio really arrives (packets counted by the receiver), both ways.
    const before = [fromHost.audioPacketsReceived, fromGuest.audioPacketsReceived];
    const audioGrew = async () => {
      const [h, g] = [(await pairs(host))[0], (await pairs(guest))[0]];
      return (
        (h?.audioPacketsReceived ?? 0) > (before[0] ?? 0) + 50 &&
        (g?.audioPacketsReceived ?? 0) > (before[1] ?? 0) + 50
      );
    };
    await expect.poll(audioGrew, { timeout: 10_000 }).toBe(true);
    console.log(
      `[lab 2] symmetric↔symmetric: ${describePair(fromHost)} / ${describePair(fromGuest)}; admit → both decoding ${ms} ms`,
    );
  });

  it("3. the office (no UDP out) connects through TURN over TCP", async () => {
    if (!lab) return;
    const scene = openScene(lab, "turn");
    const host = await scene.person("Eve", "cone");
    const guest = await scene.person("Fay", "office");
    const path = await hostCall(host, "Office");
    const ms = await joinAndMeasure(host, guest, path);
    const { fromHost, fromGuest } = await selected(host, guest);
    expect(fromGuest.localType, describePair(fromGuest)).toBe("relay");
    expect(fromGuest.relayProtocol).toBe("tcp");
    expect(isRelayed(fromHost)).toBe(true);
    // The office's firewall really dropped its UDP attempts (STUN, TURN/UDP, checks).
    expect((await guest.home.dropped()).office_udp).toBeGreaterThan(0);
    console.log(
      `[lab 3] office↔cone: office ${describePair(fromGuest)}, home ${describePair(fromHost)}; admit → both decoding ${ms} ms`,
    );
  });

  it("4. a 3-person mesh across a home, a symmetric NAT and the office: everyone decodes everyone", async () => {
    if (!lab) return;
    const scene = openScene(lab, "turn");
    const host = await scene.person("Gil", "cone");
    const sym = await scene.person("Hana", "symmetric");
    const office = await scene.person("Ivo", "office");
    const path = await hostCall(host, "Mesh");
    await joinAndMeasure(host, sym, path);
    const ms = await joinAndMeasure(host, office, path, [sym]);
    const everyone = [host, sym, office];
    for (const viewer of everyone)
      for (const other of everyone) if (other !== viewer) await expectMediaFlowing(viewer, other.name);
    const lines: string[] = [];
    for (const p of everyone) {
      const list = await pairs(p);
      expect(list.map((c) => c.connection)).toEqual(["connected", "connected"]);
      lines.push(`${p.name} (${p.home.kind}): ${list.map(describePair).join(", ")}`);
      if (p === office) for (const pair of list) expect(pair.relayProtocol).toBe("tcp");
    }
    console.log(`[lab 4] mesh: ${lines.join("; ")}; the third admitted → decoding everywhere ${ms} ms`);
  });
});
