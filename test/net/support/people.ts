// People in the network lab: a Chromium per home (inside the home's namespace), and the getStats() probes
// the lab's assertions read — which candidate pair carries the media and how much gets through.
import { type Browser, chromium } from "playwright-core";
import { afterEach, inject } from "vitest";
import {
  admit,
  createCall,
  expectMediaFlowing,
  guestKnocks,
  hostJoins,
  type Person,
  PROBES,
  signUp,
} from "../../e2e/call-support";
import { CHROMIUM_ARGS } from "../../e2e/support/browser";
import type { LabContext } from "./global-setup";
import { addHome, type Home, type HomeKind } from "./lab";

/** The lab this run started, or null where it cannot run (the tests then skip). */
export function labContext(): LabContext | null {
  return inject("lab");
}

/**
 * For a test file: the returned `openScene(lab, stack)` makes the running test's scene, which is closed
 * after the test, also when it fails.
 */
export function scenePerTest(): (lab: LabContext, stack: "turn" | "plain") => LabScene {
  let current: LabScene | null = null;
  afterEach(async () => {
    await current?.closeAll();
    current = null;
  });
  return (lab, stack) => {
    current = new LabScene(lab, stack);
    return current;
  };
}

/**
 * Chromium inside `home`'s namespace. Loopback candidates are left out: across namespaces 127.0.0.1
 * is another machine's loopback, so a candidate for it can only mislead.
 */
export function launchIn(home: Home): Promise<Browser> {
  return chromium.launch({
    executablePath: home.executablePath,
    headless: true,
    args: CHROMIUM_ARGS.filter((arg) => arg !== "--allow-loopback-in-peer-connection"),
  });
}

export interface LabPerson extends Person {
  home: Home;
  browser: Browser;
}

/** Everything one test made, closed in reverse by `closeAll` (also when the test failed). */
export class LabScene {
  readonly homes: Home[] = [];
  readonly people: LabPerson[] = [];
  readonly #lab: LabContext;
  readonly #port: number;

  constructor(lab: LabContext, stack: "turn" | "plain") {
    this.#lab = lab;
    this.#port = stack === "turn" ? lab.turnStackPort : lab.plainStackPort;
  }

  async home(kind: HomeKind): Promise<Home> {
    const home = await addHome(this.#lab.prefix, kind, { stackPort: this.#port });
    this.homes.push(home);
    return home;
  }

  /** A person with a browser of their own in a new home of this kind. */
  async person(name: string, kind: HomeKind): Promise<LabPerson> {
    const home = await this.home(kind);
    const browser = await launchIn(home);
    const context = await browser.newContext({
      baseURL: `http://127.0.0.1:${this.#port}`,
      permissions: ["camera", "microphone"],
      viewport: { width: 960, height: 640 },
    });
    await context.addInitScript(PROBES);
    const page = await context.newPage();
    const person: LabPerson = { name, context, page, home, browser };
    this.people.push(person);
    return person;
  }

  async closeAll(): Promise<void> {
    for (const p of this.people.splice(0).reverse()) await p.browser.close().catch(() => undefined);
    for (const home of this.homes.splice(0).reverse()) await home.close();
  }
}

/** The host signs up, creates a call and joins it; returns the call's path. */
export async function hostCall(host: LabPerson, title: string): Promise<string> {
  await signUp(host);
  const path = await createCall(host, title);
  await hostJoins(host, path);
  return path;
}

/** How long a lab join may take for first frames (see joinAndMeasure). */
const FIRST_FRAMES_MS = 45_000;

/**
 * A guest knocks and is admitted; returns ms from the admit click until both decode each other
 * (`expectMediaFlowing` on both sides, which includes live audio).
 */
export async function joinAndMeasure(
  host: LabPerson,
  guest: LabPerson,
  path: string,
  others: LabPerson[] = [],
) {
  await guestKnocks(guest, path);
  const started = Date.now();
  await admit(host, guest);
  // Up to four Chromiums, coturn and the NAT routers share two cores here: a fourth person's connections,
  // each encoding while the others already send three streams, were seen to take over 20 s to deliver
  // their first frames on a busy machine (and well under a second on a quiet one).
  const flowing = (viewer: LabPerson, name: string) => expectMediaFlowing(viewer, name, FIRST_FRAMES_MS);
  await Promise.all([
    flowing(host, guest.name),
    flowing(guest, host.name),
    ...others.flatMap((o) => [flowing(o, guest.name), flowing(guest, o.name)]),
  ]);
  return Date.now() - started;
}

/** `host` hosts a call that each guest joins in turn, everyone decoding everyone before the next knocks. */
export async function meshCall(host: LabPerson, guests: LabPerson[], title: string): Promise<string> {
  const path = await hostCall(host, title);
  const joined: LabPerson[] = [];
  for (const guest of guests) {
    await joinAndMeasure(host, guest, path, joined);
    joined.push(guest);
  }
  return path;
}

export interface PairInfo {
  connection: string;
  localType: string | null;
  remoteType: string | null;
  localAddress: string | null;
  remoteAddress: string | null;
  /** The local candidate's transport to its server for a relay candidate (udp, tcp, tls). */
  relayProtocol: string | null;
  /** TURN usernames in the connection's configuration (refreshed credentials show a later expiry). */
  usernames: string[];
  /** Local ufrag of the current description, and the local candidate types gathered for it. */
  ufrag: string | null;
  gatheredTypes: string[];
  audioPacketsReceived: number;
  videoFramesDecoded: number;
  /** Bytes sent on all outbound RTP streams so far, and the camera stream's target bitrate. */
  bytesSent: number;
  videoTargetBitrate: number | null;
}

/** The selected candidate pair of each open peer connection of the page, with what flows over it. */
export async function pairs(p: LabPerson): Promise<PairInfo[]> {
  return p.page.evaluate(async () => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    const open = probe.connections.filter((pc) => pc.connectionState !== "closed");
    return Promise.all(
      open.map(async (pc) => {
        const stats = await pc.getStats();
        let pairId: string | undefined;
        let audioPacketsReceived = 0;
        let videoFramesDecoded = 0;
        let bytesSent = 0;
        let videoTargetBitrate: number | null = null;
        const ufrag = /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? "")?.[1] ?? null;
        const gatheredTypes = new Set<string>();
        stats.forEach((s) => {
          if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
          if (s.type === "inbound-rtp" && s.kind === "audio") audioPacketsReceived += s.packetsReceived ?? 0;
          if (s.type === "inbound-rtp" && s.kind === "video") videoFramesDecoded += s.framesDecoded ?? 0;
          if (s.type === "outbound-rtp") {
            bytesSent += s.bytesSent ?? 0;
            if (s.kind === "video" && typeof s.targetBitrate === "number")
              videoTargetBitrate = (videoTargetBitrate ?? 0) + s.targetBitrate;
          }
          if (
            s.type === "local-candidate" &&
            (s.usernameFragment === undefined || s.usernameFragment === ufrag)
          )
            gatheredTypes.add(s.candidateType);
        });
        const pair = pairId === undefined ? undefined : stats.get(pairId);
        const local = pair ? stats.get(pair.localCandidateId) : undefined;
        const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
        return {
          connection: pc.connectionState,
          localType: local?.candidateType ?? null,
          remoteType: remote?.candidateType ?? null,
          localAddress: local?.address ?? null,
          remoteAddress: remote?.address ?? null,
          relayProtocol: local?.relayProtocol ?? null,
          usernames:
            pc
              .getConfiguration()
              .iceServers?.map((s) => s.username)
              .filter((u): u is string => typeof u === "string" && u !== "") ?? [],
          ufrag,
          gatheredTypes: [...gatheredTypes].sort(),
          audioPacketsReceived,
          videoFramesDecoded,
          bytesSent,
          videoTargetBitrate,
        };
      }),
    );
  });
}

/** Whether the pair carrying the media goes through the TURN server. */
export const isRelayed = (pair: PairInfo) => pair.localType === "relay" || pair.remoteType === "relay";

/** A short line for the log: `srflx→srflx` or `relay(tcp)→prflx`. */
export const describePair = (pair: PairInfo) =>
  `${pair.localType}${pair.relayProtocol ? `(${pair.relayProtocol})` : ""}→${pair.remoteType}`;
