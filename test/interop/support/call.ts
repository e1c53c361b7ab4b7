// The call flows of test/e2e/call-support.ts for a person of either engine — sign up, start a call,
// knock, admit — through the real UI, and probes that read from each page what it really decodes.
import { uniqueEmail } from "../../e2e/support/browser";
import type { Engine, Engines } from "./engines";
import { eventually, newPerson, type Person, type Target } from "./person";

const button = (name: string, pressed?: boolean): Target => ({
  role: "button",
  name,
  ...(pressed === undefined ? {} : { pressed }),
});

/** `name`'s tile on a page. */
export const tileOf = (name: string): Target => ({ role: "group", name });

/** Signs up through the sign-up page and lands on home. */
export async function signUp(p: Person): Promise<void> {
  await p.goto("/signup");
  await p.fill("Name", p.name);
  await p.fill("Email", uniqueEmail(p.name.toLowerCase()));
  await p.fill("Password", "correct horse battery staple");
  await p.click(button("Sign up"));
  await p.waitFor(button("New call"), { timeout: 30_000 });
}

/** The signed-up host creates a call on home and returns its link path (`/call/…`). */
export async function createCall(host: Person, title: string): Promise<string> {
  await host.fill("Title", title);
  await host.click(button("New call"));
  const href = await host.evaluateOn(
    { role: "link", name: "Open the call" },
    (a) => a.getAttribute("href"),
    null,
  );
  if (!href) throw new Error("no call link on home");
  return href;
}

/** The join page has the camera and microphone running. */
async function previewReady(p: Person): Promise<void> {
  await p.waitFor(button("Camera", true));
  await p.waitFor(button("Microphone", true));
}

/** Waits until the in-call controls show. */
export async function inCall(p: Person): Promise<void> {
  await p.waitFor(button("Leave"), { timeout: 20_000 });
}

/** The host opens the call and joins it. */
export async function hostJoins(host: Person, path: string): Promise<void> {
  await host.goto(path);
  await previewReady(host);
  await host.click(button("Join now"));
  await inCall(host);
}

/** A guest opens the call, gives a name and knocks. */
export async function guestKnocks(guest: Person, path: string): Promise<void> {
  await guest.goto(path);
  await previewReady(guest);
  await guest.fill("Your name", guest.name);
  await guest.click(button("Ask to join"));
  await guest.waitFor({ role: "status", text: "Waiting for the host" }, { timeout: 30_000 });
}

/** The host admits a knocking person from the lobby panel. */
export async function admit(host: Person, guest: Person): Promise<void> {
  await host.click({
    ...button("Admit"),
    within: { role: "listitem", text: guest.name, within: { role: "list", name: "Waiting room" } },
  });
  await inCall(guest);
}

/** A new person of `engine`, listed in `people` so the test's cleanup closes them. */
export async function join(
  engines: Engines,
  people: Person[],
  engine: Engine,
  name: string,
): Promise<Person> {
  const p = await newPerson(engines, engine, name);
  people.push(p);
  return p;
}

/** A host of `engine` signs up, creates a call and joins it. */
export async function callWithHost(
  engines: Engines,
  people: Person[],
  engine: Engine,
  name: string,
  title: string,
): Promise<{ host: Person; path: string }> {
  const host = await join(engines, people, engine, name);
  await signUp(host);
  const path = await createCall(host, title);
  await hostJoins(host, path);
  return { host, path };
}

/** `guest` knocks on `path` and `host` admits them. */
export async function knockAndAdmit(host: Person, guest: Person, path: string): Promise<void> {
  await guestKnocks(guest, path);
  await admit(host, guest);
}

export interface MediaProbe {
  /** Frames presented so far (requestVideoFrameCallback, counted from the first probe of this element). */
  frames: number;
  width: number;
  videoLive: boolean;
  /** Audio RTP packets and the energy of the decoded sound received for this tile (getStats). */
  audioPackets: number;
  audioEnergy: number | null;
}

/**
 * What `viewer` decodes of `name`'s camera and microphone. Frames are counted with
 * requestVideoFrameCallback in both engines (Firefox's getVideoPlaybackQuality stays 0 for a MediaStream);
 * audio is the inbound-rtp record of the receiver that carries the tile's audio track.
 */
export async function probeTile(viewer: Person, name: string): Promise<MediaProbe> {
  return viewer.evaluateOn(
    tileOf(name),
    async (tile) => {
      type Counted = HTMLVideoElement & { vcmeFrames?: { count: number } };
      const video = tile.querySelector("video") as Counted | null;
      const stream = video?.srcObject instanceof MediaStream ? video.srcObject : null;
      if (video && !video.vcmeFrames) {
        const counter = { count: 0 };
        video.vcmeFrames = counter;
        const onFrame = () => {
          counter.count += 1;
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      }
      const audio = stream?.getAudioTracks()[0];
      const camera = stream?.getVideoTracks()[0];
      const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
      let audioPackets = 0;
      let audioEnergy: number | null = null;
      for (const pc of probe.connections) {
        if (pc.connectionState === "closed") continue;
        const receiver = pc.getReceivers().find((r) => audio !== undefined && r.track === audio);
        if (!receiver) continue;
        (await receiver.getStats()).forEach((stat) => {
          if (stat.type !== "inbound-rtp" || stat.kind !== "audio") return;
          audioPackets += stat.packetsReceived ?? 0;
          if (typeof stat.totalAudioEnergy === "number")
            audioEnergy = (audioEnergy ?? 0) + stat.totalAudioEnergy;
        });
      }
      return {
        frames: video?.vcmeFrames?.count ?? 0,
        width: video?.videoWidth ?? 0,
        videoLive: camera !== undefined && camera.readyState === "live" && !camera.muted,
        audioPackets,
        audioEnergy,
      };
    },
    null,
  );
}

/**
 * Asserts that `viewer` decodes `name`'s video (presented frames keep growing, the picture has a size)
 * and receives their audio (packets keep arriving, with sound energy where the engine reports it).
 */
export async function expectMediaFlowing(viewer: Person, name: string, sender?: Person): Promise<void> {
  const what = `${viewer.name} (${viewer.engine}) ← ${name}`;
  await viewer.waitFor(tileOf(name));
  const first = await probeTile(viewer, name);
  const later = await eventually(
    () => probeTile(viewer, name),
    (p) => p.frames > first.frames + 10 && p.width > 0 && p.audioPackets > first.audioPackets + 10,
    `${what}: frames, width, audio packets`,
  ).catch(async (error: unknown) => {
    const received = [await videoStats(viewer, name)];
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    received.push(await videoStats(viewer, name));
    const sent = sender ? await sentVideoStats(sender) : "";
    throw new Error(
      `${String(error)}\nvideo received: ${JSON.stringify(received)}\nsent: ${JSON.stringify(sent)}`,
    );
  });
  if (!later.videoLive) throw new Error(`${what}: the video track is not live`);
  if (later.audioEnergy !== null)
    await eventually(
      () => probeTile(viewer, name),
      (p) => (p.audioEnergy ?? 0) > (later.audioEnergy ?? 0),
      `${what}: audio energy`,
    );
}

/** Every pair among `people` sees and hears each other. */
export async function expectEveryoneReceivesEveryone(people: Person[]): Promise<void> {
  for (const viewer of people)
    for (const other of people) if (other !== viewer) await expectMediaFlowing(viewer, other.name, other);
}

/** The page's open peer connections: signaling and connection state, and the local ICE ufrag. */
export async function connections(
  p: Person,
): Promise<{ signaling: string; connection: string; ufrag: string | null }[]> {
  return p.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    return probe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .map((pc) => ({
        signaling: pc.signalingState,
        connection: pc.connectionState,
        ufrag: /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? "")?.[1] ?? null,
      }));
  }, null);
}

/** The text frames the page sent, all sockets in order, parsed. */
export async function sentFrames(
  p: Person,
): Promise<{ event_type: string; payload: Record<string, unknown> }[]> {
  return p.evaluate(() => {
    const probe = (
      window as unknown as { __vcmeProbe: { sockets: (WebSocket & { sentFrames: unknown[] })[] } }
    ).__vcmeProbe;
    return probe.sockets
      .flatMap((socket) => socket.sentFrames)
      .filter((frame): frame is string => typeof frame === "string")
      .map((frame) => JSON.parse(frame));
  }, null);
}

/**
 * Opens `viewer`'s connection-quality details on `name`'s tile once it says Good (loopback: no loss, tiny
 * round trip) and returns the popover's text, as measured from that engine's getStats.
 */
export async function qualityDetails(viewer: Person, name: string): Promise<string> {
  const quality = { role: "button", name: `Connection quality with ${name}: Good`, within: tileOf(name) };
  await viewer.waitFor(quality, { timeout: 20_000 });
  await viewer.click(quality);
  const text = await eventually(
    () =>
      viewer.evaluateOn(
        tileOf(name),
        (tile) => tile.querySelector(".quality-popover")?.textContent ?? "",
        null,
      ),
    (t) => /Round trip\d+ ms/.test(t) && /\d+ kbit\/s/.test(t),
    `${viewer.name} (${viewer.engine}): quality details of ${name}`,
  );
  await viewer.click(quality);
  return text;
}

/** The cap (bits per second, scale-down) on the camera sender of each of the page's open connections. */
export async function cameraLimits(
  p: Person,
): Promise<{ maxBitrate: number | null; scale: number | null }[]> {
  return p.evaluate(() => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    return probe.connections
      .filter((pc) => pc.connectionState !== "closed")
      .map((pc) => {
        const encoding = pc.getTransceivers()[1]?.sender.getParameters().encodings?.[0];
        return { maxBitrate: encoding?.maxBitrate ?? null, scale: encoding?.scaleResolutionDownBy ?? null };
      });
  }, null);
}

/** What `viewer`'s engine says of the video it receives for `name`'s tile (for failure messages). */
async function videoStats(viewer: Person, name: string): Promise<unknown> {
  return viewer.evaluateOn(
    tileOf(name),
    async (tile) => {
      const video = tile.querySelector("video");
      const track = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
      const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
      const found: unknown[] = [
        { paused: video?.paused, readyState: video?.readyState, muted: track?.muted },
      ];
      for (const pc of probe.connections) {
        const receiver = pc.getReceivers().find((r) => track !== undefined && r.track === track);
        if (!receiver) continue;
        const report = await receiver.getStats();
        report.forEach((stat) => {
          if (stat.type !== "inbound-rtp") return;
          const wanted = ["framesReceived", "framesDecoded", "framesDropped", "keyFramesDecoded"];
          const fields = [...wanted, "pliCount", "firCount", "nackCount"].map((key) => [key, stat[key]]);
          found.push({ codec: report.get(stat.codecId)?.mimeType, ...Object.fromEntries(fields) });
        });
      }
      return found;
    },
    null,
  );
}

/** What `p`'s engine says of the camera video it sends on each connection (for failure messages). */
async function sentVideoStats(p: Person): Promise<unknown> {
  return p.evaluate(async () => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    const found: unknown[] = [];
    for (const pc of probe.connections) {
      if (pc.connectionState === "closed") continue;
      const sender = pc.getTransceivers()[1]?.sender;
      if (!sender) continue;
      (await sender.getStats()).forEach((stat) => {
        if (stat.type !== "outbound-rtp") return;
        const wanted = ["framesEncoded", "framesSent", "bytesSent", "frameWidth", "qualityLimitationReason"];
        found.push(
          Object.fromEntries([...wanted, "pliCount", "targetBitrate"].map((key) => [key, stat[key]])),
        );
      });
    }
    return found;
  }, null);
}
