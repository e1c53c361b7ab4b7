// Helpers for the call browser tests: people who sign up, start a call, knock, get admitted — all through
// the real UI — and probes that read what each page really receives.

import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { newPerson, uniqueEmail } from "./support/browser";

/**
 * Test-only instrumentation, injected before the app loads: remembers every camera/microphone track the
 * page opened and every WebSocket it made, so a test can check devices were released or cut the socket,
 * and holds back outgoing frames of the types a test names (`holdFrames`), as a slow uplink would.
 */
export const PROBES = `
  (() => {
    const tracks = [];
    const sockets = [];
    const held = { types: [], frames: [] };
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await gum(constraints);
      tracks.push(...stream.getTracks());
      return stream;
    };
    const Native = WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.sentFrames = [];
        sockets.push(this);
      }
      send(data) {
        this.sentFrames.push(data);
        const type = typeof data === "string" ? /"event_type":"(\\w+)"/.exec(data)?.[1] : undefined;
        if (held.types.includes(type)) held.frames.push({ socket: this, data });
        else super.send(data);
      }
    };
    const connections = [];
    const NativePeer = RTCPeerConnection;
    window.RTCPeerConnection = class extends NativePeer {
      constructor(...args) {
        super(...args);
        connections.push(this);
      }
    };
    held.release = () => {
      held.types = [];
      for (const { socket, data } of held.frames.splice(0)) Native.prototype.send.call(socket, data);
    };
    window.__vcmeProbe = { tracks, sockets, connections, held };
  })();
`;

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

/** A fresh browser profile with the probes installed. */
export async function person(browser: Browser, name: string): Promise<Person> {
  const { context, page } = await newPerson(browser);
  await context.addInitScript(PROBES);
  return { name, context, page };
}

/** Signs up through the sign-up page and lands on home. */
export async function signUp(p: Person): Promise<void> {
  await p.page.goto("/signup");
  await p.page.getByLabel("Name").fill(p.name);
  await p.page.getByLabel("Email").fill(uniqueEmail(p.name.toLowerCase()));
  await p.page.getByLabel("Password").fill("correct horse battery staple");
  await p.page.getByRole("button", { name: "Sign up" }).click();
  await p.page.getByRole("button", { name: "New call" }).waitFor({ timeout: 30_000 });
}

/** The signed-up host creates a call on home and returns its link path (`/call/…`). */
export async function createCall(host: Person, title: string): Promise<string> {
  await host.page.getByLabel("Title").fill(title);
  await host.page.getByRole("button", { name: "New call" }).click();
  const open = host.page.getByRole("link", { name: "Open the call" });
  await open.waitFor();
  const href = await open.getAttribute("href");
  if (!href) throw new Error("no call link on home");
  return href;
}

/** The host opens the call and joins it. */
export async function hostJoins(host: Person, path: string): Promise<void> {
  await host.page.goto(path);
  await previewReady(host);
  await host.page.getByRole("button", { name: "Join now" }).click();
  await inCall(host);
}

/** A new host (listed in `people`, so the test's cleanup closes it) signs up, creates a call and joins it. */
export async function callWithHost(browser: Browser, people: Person[], hostName: string, title: string) {
  const host = await person(browser, hostName);
  people.push(host);
  await signUp(host);
  const path = await createCall(host, title);
  await hostJoins(host, path);
  return { host, path };
}

/**
 * A host (in `hostBrowser`) and a guest admitted from the lobby (in `guestBrowser`), each already receiving
 * the other; both are listed in `people`.
 */
export async function twoInCall(
  browsers: { host: Browser; guest: Browser },
  people: Person[],
  names: { host: string; guest: string },
  title: string,
): Promise<{ host: Person; guest: Person }> {
  const { host, path } = await callWithHost(browsers.host, people, names.host, title);
  const guest = await person(browsers.guest, names.guest);
  people.push(guest);
  await guestKnocks(guest, path);
  await admit(host, guest);
  await expectMediaFlowing(host, names.guest);
  await expectMediaFlowing(guest, names.host);
  return { host, guest };
}

/** A guest opens the call, gives a name and knocks. */
export async function guestKnocks(guest: Person, path: string): Promise<void> {
  await guest.page.goto(path);
  await previewReady(guest);
  await guest.page.getByLabel("Your name").fill(guest.name);
  await guest.page.getByRole("button", { name: "Ask to join" }).click();
  await guest.page
    .getByRole("status")
    .filter({ hasText: "Waiting for the host" })
    .waitFor({ timeout: 15_000 })
    .catch(async (error: unknown) => {
      const screen = await guest.page.locator("body").ariaSnapshot();
      throw new Error(`${guest.name} is not waiting; the screen shows:\n${screen}`, { cause: error });
    });
}

/** The join page has the camera and microphone running (joining earlier publishes them once started). */
async function previewReady(p: Person): Promise<void> {
  await p.page.getByRole("button", { name: "Camera", pressed: true }).waitFor({ timeout: 15_000 });
  await p.page.getByRole("button", { name: "Microphone", pressed: true }).waitFor({ timeout: 15_000 });
}

/** The host admits a knocking person from the lobby panel. */
export async function admit(host: Person, guest: Person): Promise<void> {
  const lobby = host.page.getByRole("list", { name: "Waiting room" });
  await lobby
    .getByRole("listitem")
    .filter({ hasText: guest.name })
    .getByRole("button", { name: "Admit" })
    .click();
  await inCall(guest);
}

/** Waits until the in-call controls show. */
export async function inCall(p: Person): Promise<void> {
  await p.page.getByRole("button", { name: "Leave" }).waitFor({ timeout: 20_000 });
}

/** The tile (named by the person) of `name` on `viewer`'s page. */
export function tile(viewer: Person, name: string): Locator {
  return viewer.page.getByRole("group", { name, exact: true });
}

interface VideoProbe {
  frames: number;
  width: number;
  audioLive: boolean;
  videoLive: boolean;
}

/** What `viewer` decodes of `name`: video frames so far, picture width, and whether audio packets arrive. */
export async function probeVideo(viewer: Person, name: string): Promise<VideoProbe> {
  return tile(viewer, name)
    .locator("video")
    .evaluate((video: HTMLVideoElement) => {
      const stream = video.srcObject instanceof MediaStream ? video.srcObject : null;
      const audio = stream?.getAudioTracks()[0];
      const camera = stream?.getVideoTracks()[0];
      return {
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        width: video.videoWidth,
        // A remote track is "muted" until RTP packets for it arrive.
        audioLive: audio !== undefined && audio.readyState === "live" && !audio.muted,
        videoLive: camera !== undefined && camera.readyState === "live" && !camera.muted,
      };
    });
}

/**
 * Asserts that `viewer` receives `name`'s video (frames keep growing) and audio packets; the first frames
 * must come within `firstFramesMs`.
 */
export async function expectMediaFlowing(
  viewer: Person,
  name: string,
  firstFramesMs = 20_000,
): Promise<void> {
  await tile(viewer, name)
    .locator("video")
    .waitFor({ state: "attached", timeout: 15_000 })
    .catch(async (error: unknown) => {
      const screen = await viewer.page.locator("body").ariaSnapshot();
      throw new Error(`${viewer.name} has no tile for ${name}; the screen shows:\n${screen}`, {
        cause: error,
      });
    });
  const probe = () => probeVideo(viewer, name);
  const first = await until(
    probe,
    (v) => v.frames > 5,
    firstFramesMs,
    `${viewer.name} decoding frames of ${name}`,
  );
  const after = await until(
    probe,
    (v) => v.frames > first.frames + 5,
    10_000,
    `${viewer.name} decoding more frames of ${name}`,
  );
  expect(after.width).toBeGreaterThan(0);
  expect(after.videoLive).toBe(true);
  await until(probe, (v) => v.audioLive, 10_000, `${viewer.name} receiving audio of ${name}`);
}

/**
 * Reads `probe` until `accept` holds and returns that reading; after `timeoutMs` throws with the last
 * reading. Plain polling (not `expect.poll`), so the benchmarks can drive the same helpers outside vitest.
 */
export async function until<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen ${JSON.stringify(value)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every camera and microphone track the page opened has been stopped. */
export async function devicesReleased(p: Person): Promise<boolean> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { tracks: MediaStreamTrack[] } }).__vcmeProbe;
    return probe.tracks.length > 0 && probe.tracks.every((t) => t.readyState === "ended");
  });
}

/** The text frames the page sent, per WebSocket it opened (oldest socket first). */
export async function sentFrames(p: Person): Promise<string[][]> {
  return p.page.evaluate(() => {
    const probe = (
      window as unknown as { __vcmeProbe: { sockets: (WebSocket & { sentFrames: string[] })[] } }
    ).__vcmeProbe;
    return probe.sockets.map((socket) => socket.sentFrames.filter((frame) => typeof frame === "string"));
  });
}

interface HeldFrames {
  types: string[];
  release(): void;
}

/**
 * `p`'s pages keep their outgoing frames of these types (`event_type`) until `releaseFrames`, from the
 * next page they open on.
 */
export async function holdFrames(p: Person, types: string[]): Promise<void> {
  await p.context.addInitScript((list) => {
    (window as unknown as { __vcmeProbe: { held: HeldFrames } }).__vcmeProbe.held.types = list;
  }, types);
}

/** Sends the frames `holdFrames` kept, in order, and holds nothing more. */
export async function releaseFrames(p: Person): Promise<void> {
  await p.page.evaluate(() => {
    (window as unknown as { __vcmeProbe: { held: HeldFrames } }).__vcmeProbe.held.release();
  });
}

/** The remote ICE username fragment of each of the page's open peer connections (null before an offer). */
export async function remoteUfrags(p: Person): Promise<Array<string | null>> {
  return p.page.evaluate(() =>
    (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .map((pc) => /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription?.sdp ?? "")?.[1] ?? null),
  );
}

/** How many peer connections the page has ever made, closed ones included. */
export async function connectionsMade(p: Person): Promise<number> {
  return p.page.evaluate(
    () => (window as unknown as { __vcmeProbe: { connections: unknown[] } }).__vcmeProbe.connections.length,
  );
}

/** Marks `viewer`'s tile of `name`: the same element later means the seat never changed hands. */
export async function markTile(viewer: Person, name: string, mark: string): Promise<void> {
  await tile(viewer, name).evaluate((element, value) => element.setAttribute("data-test-mark", value), mark);
}

/**
 * `guest` is back on a new socket whose first frame asked for the kept seat, without knocking: `host` has
 * no waiting room and still shows the tile marked with `markTile` before the drop.
 */
export async function expectSeatResumed(host: Person, guest: Person, mark: string): Promise<void> {
  expect(await host.page.getByRole("list", { name: "Waiting room" }).count()).toBe(0);
  const sockets = await sentFrames(guest);
  expect(sockets.length).toBeGreaterThanOrEqual(2);
  const firstOnNewSocket = JSON.parse(sockets.at(-1)?.[0] ?? "{}");
  expect(firstOnNewSocket.event_type).toBe("join_room");
  expect(firstOnNewSocket.payload.resume_token).toEqual(expect.any(String));
  expect(await tile(host, guest.name).getAttribute("data-test-mark")).toBe(mark);
}

interface ConnectionProbe {
  signaling: string;
  connection: string;
  ufrag: string | null;
  /** The `x-google-start-bitrate` (kbps) the applied remote description carries, if any. */
  startKbps: number | null;
}

/**
 * The page's open peer connections: signaling and connection state, the local ICE username fragment and
 * the start bitrate set on the remote description.
 */
export async function connections(p: Person): Promise<ConnectionProbe[]> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    return probe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .map((pc) => ({
        signaling: pc.signalingState,
        connection: pc.connectionState,
        ufrag: /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? "")?.[1] ?? null,
        startKbps:
          Number(/x-google-start-bitrate=(\d+)/.exec(pc.remoteDescription?.sdp ?? "")?.[1] ?? Number.NaN) ||
          null,
      }));
  });
}

/**
 * The host's and the guest's connections (one each) use new ICE credentials — not those of `before`, the
 * `connections` of both taken earlier — and are back to stable signaling and connected.
 */
export async function expectIceRestarted(
  host: Person,
  guest: Person,
  before: ConnectionProbe[],
  timeout = 20_000,
): Promise<void> {
  await expect
    .poll(
      async () =>
        [...(await connections(host)), ...(await connections(guest))].map((c, i) => ({
          signaling: c.signaling,
          connection: c.connection,
          newCredentials: c.ufrag !== null && c.ufrag !== before[i]?.ufrag,
        })),
      { timeout },
    )
    .toEqual([
      { signaling: "stable", connection: "connected", newCredentials: true },
      { signaling: "stable", connection: "connected", newCredentials: true },
    ]);
}

/** The bitrate cap of the camera sender on each of the page's open peer connections. */
export async function cameraBitrates(p: Person): Promise<(number | null)[]> {
  return p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    return probe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .map((pc) => pc.getTransceivers()[1]?.sender.getParameters().encodings?.[0]?.maxBitrate ?? null);
  });
}

/** Starts an ICE restart on every open peer connection of the page (as a failed network path would). */
export async function restartIce(p: Person): Promise<void> {
  await p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    for (const pc of probe.connections) if (pc.connectionState !== "closed") pc.restartIce();
  });
}

/** Closes the page's live signaling socket as a network fault would. */
export async function cutSocket(p: Person): Promise<void> {
  await p.page.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { sockets: WebSocket[] } }).__vcmeProbe;
    for (const socket of probe.sockets)
      if (socket.readyState === WebSocket.OPEN) socket.close(4000, "cut by test");
  });
}

interface PairProbe {
  local: string | null;
  remote: string | null;
}

/** The addresses of the candidate pair each open peer connection of the page sends its media over. */
export async function selectedPairs(p: Person): Promise<PairProbe[]> {
  return p.page.evaluate(async () => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    const open = probe.connections.filter((pc) => pc.connectionState !== "closed");
    return Promise.all(
      open.map(async (pc) => {
        const stats = await pc.getStats();
        let pairId: string | undefined;
        stats.forEach((s) => {
          if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
        });
        const pair = pairId === undefined ? undefined : stats.get(pairId);
        return {
          local: stats.get(pair?.localCandidateId)?.address ?? null,
          remote: stats.get(pair?.remoteCandidateId)?.address ?? null,
        };
      }),
    );
  });
}

/**
 * `p`'s pages get camera and microphone `ms` late, from the next page they open on: every getUserMedia
 * call waits that long before the real one, as a phone's slow camera would (and, with `cameraFails`,
 * every request for the camera then fails).
 */
export async function slowDevices(
  p: Person,
  ms: number,
  options: { cameraFails?: boolean } = {},
): Promise<void> {
  await p.context.addInitScript(
    ({ delay, cameraFails }) => {
      const devices = navigator.mediaDevices;
      const real = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        // `cameraFails`: the camera is held by another app, as Chromium reports it.
        if (cameraFails && constraints?.video)
          throw new DOMException("Could not start video source", "NotReadableError");
        return real(constraints);
      };
    },
    { delay: ms, cameraFails: options.cameraFails ?? false },
  );
}

/** How many `offer` frames the page sent (a knock's held `knock_offer` is not one). */
export async function offersSent(p: Person): Promise<number> {
  return (await sentFrames(p)).flat().filter((frame) => frame.includes('"event_type":"offer"')).length;
}
