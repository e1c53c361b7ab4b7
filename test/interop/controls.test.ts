// What a Firefox person does mid-call reaches a Chromium person: mute, camera off, a camera and
// microphone picked again (new tracks through replaceTrack), and Chromium's screen share shows in Firefox.
import { describe, expect, it } from "vitest";
import {
  callWithHost,
  expectMediaFlowing,
  join,
  knockAndAdmit,
  probeTile,
  sentFrames,
  tileOf,
} from "./support/call";
import { interopSuite } from "./support/engines";
import { eventually, type Person } from "./support/person";

/** How much sound energy `viewer` receives from `name` over 1.5 s. */
async function energyGain(viewer: Person, name: string): Promise<number> {
  const before = (await probeTile(viewer, name)).audioEnergy ?? 0;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return ((await probeTile(viewer, name)).audioEnergy ?? 0) - before;
}

/** The live camera or microphone track `p` sends on its one connection, and whether older ones ended. */
async function sentTrack(p: Person, kind: "audio" | "video"): Promise<{ id: string; othersEnded: boolean }> {
  return p.evaluate((wanted) => {
    const probe = (
      window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[]; tracks: MediaStreamTrack[] } }
    ).__vcmeProbe;
    const pc = probe.connections.find((c) => c.connectionState !== "closed");
    const track = pc?.getSenders().find((s) => s.track?.kind === wanted && s.track.label !== "")?.track;
    const opened = probe.tracks.filter((t) => t.kind === wanted && t !== track);
    return { id: track?.id ?? "", othersEnded: opened.every((t) => t.readyState === "ended") };
  }, kind);
}

describe("Firefox and Chromium see each other's changes", () => {
  const suite = interopSuite<Person>();
  const { people } = suite;

  it("mute, camera off, camera and microphone picked again from Firefox; a screen shared from Chromium", {
    timeout: 240_000,
  }, async () => {
    const { host, path } = await callWithHost(suite.engines, people, "chromium", "Cleo", "Changes");
    const finn = await join(suite.engines, people, "firefox", "Finn");
    await knockAndAdmit(host, finn, path);
    await expectMediaFlowing(host, "Finn");
    await expectMediaFlowing(finn, "Cleo");
    const sounding = await energyGain(host, "Finn");
    expect(sounding).toBeGreaterThan(0);

    // Mute: Chromium shows it, and the sound stops (the track is disabled: silence is sent).
    await finn.click({ role: "button", name: "Microphone", pressed: true });
    await host.waitFor({ role: "img", name: "Microphone off", within: tileOf("Finn") });
    await eventually(
      () => energyGain(host, "Finn"),
      (gain) => gain < sounding / 20,
      "Cleo hears Finn muted",
    );
    await finn.click({ role: "button", name: "Microphone", pressed: false });
    await host.waitFor({ role: "img", name: "Microphone on", within: tileOf("Finn") });
    await eventually(
      () => energyGain(host, "Finn"),
      (gain) => gain > sounding / 4,
      "Cleo hears Finn again",
    );

    // Camera off and on again: the picture comes back on the Chromium side.
    await finn.click({ role: "button", name: "Camera", pressed: true });
    await host.waitFor({ role: "img", name: "Camera off", within: tileOf("Finn") });
    await finn.click({ role: "button", name: "Camera", pressed: false });
    await host.waitFor({ role: "img", name: "Camera off", within: tileOf("Finn") }, { state: "detached" });
    await expectMediaFlowing(host, "Finn");

    // Firefox's fake devices are one camera and one microphone: picking each again in the Devices panel
    // opens a new track, stops the old one and hands it over by replaceTrack, with no renegotiation.
    const offersBefore = (await sentFrames(finn)).filter((f) => f.event_type === "offer").length;
    await finn.click({ role: "button", name: "Devices" });
    for (const [kind, label] of [
      ["video", "Camera device"],
      ["audio", "Microphone device"],
    ] as const) {
      const before = await sentTrack(finn, kind);
      const device = await finn.evaluate((l) => {
        const field = [...document.querySelectorAll("label")].find((e) =>
          e.textContent?.includes(l),
        )?.control;
        return field instanceof HTMLSelectElement ? field.value : "";
      }, label);
      expect(device).not.toBe("");
      await finn.select(label, device);
      const after = await eventually(
        () => sentTrack(finn, kind),
        (t) => t.id !== "" && t.id !== before.id && t.othersEnded,
        `Finn sends a new ${kind} track`,
      );
      expect(after.othersEnded).toBe(true);
    }
    await expectMediaFlowing(host, "Finn");
    expect(await energyGain(host, "Finn")).toBeGreaterThan(0);
    expect((await sentFrames(finn)).filter((f) => f.event_type === "offer").length).toBe(offersBefore);

    // Chromium shares its (fake) screen: Firefox shows it large, and the camera stays a tile of its own.
    await host.click({ role: "button", name: "Share screen", pressed: false });
    await host.waitFor({ role: "button", name: "Share screen", pressed: true });
    const shared = { role: "figure", name: "Screen shared by Cleo" };
    await finn.waitFor(shared, { timeout: 20_000 });
    await eventually(
      () =>
        finn.evaluateOn(
          shared,
          (figure) =>
            new Promise<number>((resolve) => {
              const video = figure.querySelector("video");
              if (!video) return resolve(0);
              let frames = 0;
              const onFrame = () => {
                frames += 1;
                video.requestVideoFrameCallback(onFrame);
              };
              video.requestVideoFrameCallback(onFrame);
              setTimeout(() => resolve(frames), 1_000);
            }),
          null,
        ),
      (frames) => frames > 0,
      "Finn sees Cleo's screen",
    );
    await expectMediaFlowing(finn, "Cleo");
    await host.click({ role: "button", name: "Share screen", pressed: true });
    await finn.waitFor(shared, { state: "detached" });
  });
});
