// The network lab, scenario 8: one person's home uplink is capped at 1 Mbit/s (TBF) with 3 % random loss
// (nftables) in a 4-person mesh, so that person sends three streams through one thin link.
import { describe, expect, it } from "vitest";
import { probeVideo, tile } from "../e2e/call-support";
import { type LabPerson, labContext, meshCall, pairs, scenePerTest } from "./support/people";

const lab = labContext();
const openScene = scenePerTest();

export const UPLINK_KBIT = 1_000;
export const LOSS_PERCENT = 3;
const WINDOW_MS = 10_000;

/** Per open connection of `p`: bytes sent and audio packets received, for a before/after window. */
async function counters(p: LabPerson) {
  return (await pairs(p)).map((c) => ({
    sent: c.bytesSent,
    audio: c.audioPacketsReceived,
    target: c.videoTargetBitrate,
  }));
}

describe.skipIf(!lab)("the network lab: a thin, lossy uplink", () => {
  it(`8. ${UPLINK_KBIT / 1000} Mbit/s uplink with ${LOSS_PERCENT} % loss in a 4-person mesh: audio flows, video fits the link`, {
    timeout: 240_000,
  }, async () => {
    if (!lab) return;
    const scene = openScene(lab, "turn");
    const thin = await scene.person("Quinn", "cone");
    const others = [
      await scene.person("Rae", "cone"),
      await scene.person("Sol", "cone"),
      await scene.person("Tom", "cone"),
    ];
    await meshCall(thin, others, "Thin uplink");
    const everyone = [thin, ...others];
    // The mesh runs; then the thin person's uplink turns thin and lossy, mid-call.
    await thin.home.shape(UPLINK_KBIT, LOSS_PERCENT);
    const framesAtShape = await Promise.all(others.map((o) => probeVideo(o, thin.name)));
    // Time for the congestion controllers to find the link.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const before = await Promise.all(everyone.map(counters));
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const after = await Promise.all(everyone.map(counters));
    const kbps = (bytes: number) => Math.round((bytes * 8) / WINDOW_MS);

    // Audio keeps flowing on every one of the 12 directions (Opus sends 50 packets a second).
    const audioRates: number[] = [];
    everyone.forEach((_, i) => {
      const [b, a] = [before[i] ?? [], after[i] ?? []];
      expect(a.length).toBe(3);
      a.forEach((c, j) => {
        const rate = (c.audio - (b[j]?.audio ?? 0)) / (WINDOW_MS / 1000);
        audioRates.push(rate);
        expect(rate, `${everyone[i]?.name}, connection ${j}`).toBeGreaterThan(30);
      });
    });
    // What the thin person sends on each connection stays within the uplink.
    const thinSent = (after[0] ?? []).map((c, j) => kbps(c.sent - ((before[0] ?? [])[j]?.sent ?? 0)));
    for (const rate of thinSent) expect(rate).toBeLessThan(UPLINK_KBIT);
    // The others see the thin person's connection as degraded.
    for (const viewer of others)
      await tile(viewer, thin.name)
        .getByRole("button", { name: /Connection quality with Quinn: (Fair|Poor)/ })
        .waitFor({ timeout: 30_000 });
    const targets = (after[0] ?? []).map((c) => Math.round((c.target ?? 0) / 1000));
    const framesNow = await Promise.all(others.map((o) => probeVideo(o, thin.name)));
    const videoFps = framesNow.map((f, i) =>
      Math.round((f.frames - (framesAtShape[i]?.frames ?? 0)) / ((WINDOW_MS + 15_000) / 1000)),
    );
    console.log(
      `[lab 8] ${UPLINK_KBIT} kbit/s, ${LOSS_PERCENT} % loss: the thin person sends ${thinSent.join(" + ")} = ` +
        `${thinSent.reduce((x, y) => x + y, 0)} kbit/s (video targets ${targets.join(", ")} kbit/s); ` +
        `audio packets/s on the 12 directions ${Math.min(...audioRates)}–${Math.max(...audioRates)}; ` +
        `the others decode the thin person's video at ${videoFps.join(", ")} frames/s since the uplink turned thin`,
    );
  });
});
