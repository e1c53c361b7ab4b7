// The network lab, scenario 7: a VCME with no TURN relay configured (the lab's STUN only) and both people
// behind symmetric NATs. No path exists, so the call cannot connect — and each person is told so in
// plain words on the other's tile, with what the host can do, instead of a tile that spins forever.
import { describe, expect, it } from "vitest";
import { admit, guestKnocks, tile } from "../e2e/call-support";
import { hostCall, labContext, pairs, scenePerTest } from "./support/people";

const lab = labContext();
const openScene = scenePerTest();

describe.skipIf(!lab)("the network lab without TURN", () => {
  it("7. symmetric NAT ↔ symmetric NAT without TURN cannot connect, and both people are told why", async () => {
    if (!lab) return;
    const scene = openScene(lab, "plain");
    const host = await scene.person("Jo", "symmetric");
    const guest = await scene.person("Kim", "symmetric");
    const path = await hostCall(host, "No relay");
    await guestKnocks(guest, path);
    const admitted = Date.now();
    await admit(host, guest);
    const message = /no TURN relay is configured.*host can configure a TURN relay/;
    const told = await Promise.all(
      [tile(host, guest.name), tile(guest, host.name)].map((t) =>
        t
          .getByRole("status")
          .filter({ hasText: message })
          .waitFor({ timeout: 60_000 })
          .then(() => Date.now() - admitted),
      ),
    );
    // It really is the network: STUN worked (each side learnt its public mapping), no relay was offered,
    // and no media ever arrived.
    for (const p of [host, guest]) {
      const [pair] = await pairs(p);
      expect(pair?.connection).not.toBe("connected");
      expect(pair?.gatheredTypes).toContain("srflx");
      expect(pair?.gatheredTypes).not.toContain("relay");
      expect(pair?.videoFramesDecoded ?? 0).toBe(0);
    }
    // The message stays (retrying cannot help): still there after the restarts that followed.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await tile(host, guest.name).getByRole("status").filter({ hasText: message }).waitFor({ timeout: 1_000 });
    console.log(
      `[lab 7] no TURN, symmetric↔symmetric: the host was told after ${(told[0] ?? 0) / 1000} s, the guest after ${(told[1] ?? 0) / 1000} s`,
    );
  });
});
