// The browser section of `npm run bench`, run by browser.ts in its own process (inside a private network
// namespace where the machine allows one). It starts a throwaway Postgres and the real dev stack, drives
// real Chromium with fake camera and microphone, and prints its rows and notes as `@@bench {json}` lines.
// Counts: VCME_BENCH_BROWSER_RUNS (default 10) runs of admit → first frame per system and condition.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../../test/e2e/support/browser.ts";
import { startDevStack } from "../dev.ts";
import { freePort } from "../local-db.ts";
import {
  admit,
  createCall,
  guestKnocks,
  type HostAccount,
  hostJoins,
  leave,
  newPerson,
  type Person,
  probeOf,
  signUpHost,
  type TraceEvent,
  waitFirstFrames,
  waitReady,
} from "./browser-call.ts";
import { addNetemDelay, netemAvailable, startDelayProxy } from "./browser-delay.ts";
import { firefoxAvailable, interopStart } from "./browser-interop.ts";
import {
  type BenchProbe,
  type DescriptionEdit,
  FLOOR_MEDIA,
  FLOOR_START_BITRATE,
  installProbe,
  pageSource,
  setUpFloorPage,
} from "./browser-probes.ts";
import { fmt, type Summary, summarize } from "./stats.ts";
import { BENCH_SECRET, startDatabase } from "./vcme-stack.ts";

const RTT_MS = 100;
const runs = Math.max(1, Number(process.env.VCME_BENCH_BROWSER_RUNS ?? 10));
/** Runs of the round-trip count per role and condition, and of the two-person frame count. */
const shortRuns = Math.max(1, Math.min(5, Math.round(runs / 2.5)));
/** `VCME_BENCH_BROWSER_PARTS=1,3` runs only those measurements (numbered below); all by default. */
const parts = (process.env.VCME_BENCH_BROWSER_PARTS ?? "1,2,3").split(",").map((p) => p.trim());
const part = (n: number) => parts.includes(String(n));

function emit(message: { row: [string, string, string, string?] } | { note: string }): void {
  process.stdout.write(`@@bench ${JSON.stringify(message)}\n`);
}
const row = (what: string, system: string, result: string, target?: string) =>
  emit({ row: [what, system, result, target] });
const note = (text: string) => emit({ note: text });
const ms = (s: Summary) => `p50 ${fmt(s.p50, 0)} ms · p99 ${fmt(s.p99, 0)} ms (n=${s.n})`;

const failures = new Map<string, { count: number; first: string }>();

/** Records a failed run: the section goes on, and a note says how many runs of what failed and why. */
function failed(what: string, error: unknown): void {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  const seen = failures.get(what);
  if (seen) seen.count++;
  else failures.set(what, { count: 1, first: message });
}

/** Runs one measurement; null (and a note) when it fails. */
async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    failed(what, error);
    return null;
  }
}

/** One network condition: where the pages load VCME from, and how far apart the floor's pages are. */
interface Condition {
  name: string;
  /** For the result rows: what was delayed. */
  label: string;
  baseUrl: string;
  /** Extra delay the floor's in-page relay adds to each message (the server hop of the same link). */
  relayDelayMs: number;
  enter(): void;
  exit(): void;
}

/** Admit → first decoded remote frame on each side, VCME through the real room. */
async function vcmeStart(browser: Browser, c: Condition, apiUrl: string, hostAccount: HostAccount) {
  const bothSides: number[] = [];
  const firstSide: number[] = [];
  /** The last run's requests and frames from Admit to both first frames, for reading where time goes. */
  let steps: string[] = [];
  const phases: Phases[] = [];
  for (let i = 0; i < runs; i++) {
    const link = await attempt("VCME admit → first frame (setup)", () =>
      createCall(apiUrl, hostAccount, `Bench start ${i}`),
    );
    if (link === null) continue;
    const host = await newPerson(browser, c.baseUrl, apiUrl, hostAccount);
    const guest = await newPerson(browser, c.baseUrl, apiUrl);
    try {
      await hostJoins(host, link);
      await guestKnocks(guest, link, "Guest");
      await admit(host, "Guest");
      await Promise.all([waitFirstFrames(host.page, 1), waitFirstFrames(guest.page, 1)]);
      const [h, g] = await Promise.all([probeOf(host.page), probeOf(guest.page)]);
      const admittedAt = h.clicks.find((click) => click.label === "Admit")?.at;
      const hostFrame = h.firstFrames[0]?.at;
      const guestFrame = g.firstFrames[0]?.at;
      if (admittedAt === undefined || hostFrame === undefined || guestFrame === undefined) continue;
      bothSides.push(Math.max(hostFrame, guestFrame) - admittedAt);
      firstSide.push(Math.min(hostFrame, guestFrame) - admittedAt);
      const toMonotonic = host.trace.epochToMonotonic;
      if (toMonotonic !== null) {
        const origin = admittedAt + toMonotonic;
        const until = Math.max(hostFrame, guestFrame) + toMonotonic;
        const during = (who: string, events: TraceEvent[]) =>
          events.filter((e) => e.start >= origin && e.start <= until).map((e) => ({ who, e }));
        const page = (probe: BenchProbe): TraceEvent[] =>
          probe.rtc
            .filter((r) => !/^(candidate|addIceCandidate) /.test(r.what))
            .map((r) => ({ kind: "page", label: r.what, start: r.at + toMonotonic, end: Number.NaN }));
        steps = [
          ...during("host", [...host.trace.events, ...page(h)]),
          ...during("guest", [...guest.trace.events, ...page(g)]),
        ]
          .sort((a, b) => a.e.start - b.e.start)
          .map(({ who, e }) => `${who} ${describe(e, origin)}`);
        steps.push(
          `${fmt(hostFrame - admittedAt, 0)} ms host's first frame`,
          `${fmt(guestFrame - admittedAt, 0)} ms guest's first frame`,
        );
        const connected = Math.max(h.connectedAt ?? Number.NaN, g.connectedAt ?? Number.NaN);
        const at = (events: TraceEvent[], kind: TraceEvent["kind"], label: string, after: number) =>
          events.find((e) => e.kind === kind && e.label === label && e.start >= after)?.start ?? Number.NaN;
        const accepted = at(guest.trace.events, "received", "accepted_into_room", origin);
        // The offer made while knocking is handed to the host by the room with the admission; the guest
        // sends one itself only when the room had none to hand over.
        const offerSent = at(guest.trace.events, "sent", "offer", accepted);
        const handedOver = Number.isNaN(offerSent);
        const offerReceived = at(host.trace.events, "received", "offer", handedOver ? origin : offerSent);
        const answerSent = at(host.trace.events, "sent", "answer", offerReceived);
        const answerReceived = at(guest.trace.events, "received", "answer", answerSent);
        phases.push({
          admission: accepted - origin,
          ...(handedOver ? { handedOver: offerReceived - origin } : {}),
          offer: offerSent - accepted,
          offerRelay: offerReceived - offerSent,
          answer: answerSent - offerReceived,
          answerRelay: answerReceived - answerSent,
          connect: connected + toMonotonic - answerReceived,
          media: until - (connected + toMonotonic),
        });
      }
    } catch (error) {
      failed(`VCME admit → first frame, ${c.name}`, error);
    } finally {
      await leave(guest);
      await leave(host);
    }
  }
  return { both: summarize(bothSides), first: summarize(firstSide), steps, phases: describePhases(phases) };
}

/** The parts of one start-up, in ms: the offer/answer exchange and what comes before and after it. */
interface Phases {
  /** Admit pressed → the guest told it is in (VCME only). */
  admission?: number;
  /** Admit pressed → the offer made while knocking at the host, handed over by the room (VCME only). */
  handedOver?: number;
  /** → the offer sent. */
  offer: number;
  offerRelay: number;
  /** Offer received → answer sent. */
  answer: number;
  answerRelay: number;
  /** Answer received → both sides' peer connections connected (ICE and DTLS). */
  connect: number;
  /** Both connected → a first frame decoded on both sides. */
  media: number;
}

/** The median of each phase over the runs, in words. */
function describePhases(runs: Phases[]): string {
  const p50 = (pick: (p: Phases) => number | undefined) =>
    fmt(summarize(runs.map(pick).filter((v): v is number => Number.isFinite(v))).p50, 0);
  const admission = runs.some((r) => r.admission !== undefined)
    ? `admission ${p50((r) => r.admission)} · `
    : "";
  const offer =
    runs.length > 0 && runs.every((r) => r.handedOver !== undefined)
      ? `offer made while knocking, at the host with the admission ${p50((r) => r.handedOver)}`
      : `offer made ${p50((r) => r.offer)} · relayed ${p50((r) => r.offerRelay)}`;
  return `${admission}${offer} · answer made ${p50((r) => r.answer)} · relayed ${p50((r) => r.answerRelay)} · answer → both connected ${p50((r) => r.connect)} · → both first frames ${p50((r) => r.media)} ms`;
}

/** One trace event as "offset → label (duration)", the offset in ms from `origin`. */
function describe(e: TraceEvent, origin: number, offset = e.start - origin): string {
  const took = Number.isFinite(e.end) && e.end > e.start ? ` (${fmt(e.end - e.start, 0)} ms)` : "";
  const arrow = e.kind === "sent" ? "→ " : e.kind === "received" ? "← " : "";
  return `${fmt(offset, 0)} ms ${arrow}${e.label}${took}`;
}

/**
 * The WebRTC floor: two pages of one profile, one peer connection each, signaling page to page; with
 * `edit`, remote descriptions edited as VCME edits them (its start bitrate).
 */
async function floorStart(browser: Browser, c: Condition, pageUrl: string, edit: DescriptionEdit | null) {
  const bothSides: number[] = [];
  const firstSide: number[] = [];
  const phases: Phases[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ permissions: ["camera", "microphone"] });
    try {
      await context.addInitScript({ content: pageSource(installProbe) });
      const a = await context.newPage();
      const b = await context.newPage();
      for (const page of [a, b]) {
        await page.goto(pageUrl);
        await page.evaluate(
          pageSource(setUpFloorPage, { relayDelayMs: c.relayDelayMs, media: FLOOR_MEDIA, edit }),
        );
      }
      const startedAt = await a.evaluate(() => window.__floor.start());
      await Promise.all([waitFirstFrames(a, 1), waitFirstFrames(b, 1)]);
      const [pa, pb] = await Promise.all([probeOf(a), probeOf(b)]);
      const fa = pa.firstFrames[0]?.at;
      const fb = pb.firstFrames[0]?.at;
      if (fa === undefined || fb === undefined) continue;
      bothSides.push(Math.max(fa, fb) - startedAt);
      firstSide.push(Math.min(fa, fb) - startedAt);
      const [ma, mb] = await Promise.all([
        a.evaluate(() => window.__floor.marks),
        b.evaluate(() => window.__floor.marks),
      ]);
      const mark = (m: Record<string, number>, name: string) => m[name] ?? Number.NaN;
      const connected = Math.max(pa.connectedAt ?? Number.NaN, pb.connectedAt ?? Number.NaN);
      phases.push({
        offer: mark(ma, "offerSent") - startedAt,
        offerRelay: mark(mb, "offerReceived") - mark(ma, "offerSent"),
        answer: mark(mb, "answerSent") - mark(mb, "offerReceived"),
        answerRelay: mark(ma, "answerReceived") - mark(mb, "answerSent"),
        connect: connected - mark(ma, "answerReceived"),
        media: Math.max(fa, fb) - connected,
      });
    } catch (error) {
      failed(`WebRTC floor, ${c.name}`, error);
    } finally {
      await context.close().catch(() => undefined);
    }
  }
  return { both: summarize(bothSides), first: summarize(firstSide), phases: describePhases(phases) };
}

interface Timeline {
  /** Navigation start → load event. */
  load: number;
  /** Load event → in the call (host) or knocking (guest), minus the harness's gap before the click. */
  afterLoad: number;
  /** What happened after the load event, in order, as "offset label duration". */
  steps: string[];
}

/** Opens a call link on a cold profile and times it to host_joined_room (host) or waiting_room (guest). */
async function openToIn(
  browser: Browser,
  c: Condition,
  apiUrl: string,
  hostAccount: HostAccount,
  role: "host" | "guest",
): Promise<Timeline> {
  const link = await createCall(apiUrl, hostAccount, `Bench open ${role}`);
  // A guest can only knock while the host is in the room.
  const host = role === "guest" ? await newPerson(browser, c.baseUrl, apiUrl, hostAccount) : null;
  const p = await newPerson(browser, c.baseUrl, apiUrl, role === "host" ? hostAccount : undefined);
  try {
    if (host) await hostJoins(host, link);
    await p.page.goto(`/call/${link}`);
    await waitReady(p.page);
    if (role === "guest") await p.page.getByLabel("Your name").fill("Guest");
    await p.page.getByRole("button", { name: role === "host" ? "Join now" : "Ask to join" }).click();
    const arrived = role === "host" ? "host_joined_room" : "waiting_room";
    const deadline = Date.now() + 30_000;
    while (!p.trace.events.some((e) => e.kind === "received" && e.label === arrived)) {
      if (Date.now() > deadline) throw new Error(`${role}: no ${arrived} frame`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const probe = await probeOf(p.page);
    const { events, loadedAt, epochToMonotonic } = p.trace;
    const start = events[0]?.start;
    const click = probe.clicks.at(-1)?.at;
    const inAt = events.find((e) => e.kind === "received" && e.label === arrived)?.start;
    if (
      start === undefined ||
      loadedAt === null ||
      epochToMonotonic === null ||
      probe.readyAt === null ||
      click === undefined ||
      inAt === undefined
    )
      throw new Error(`${role}: incomplete timeline`);
    const ready = probe.readyAt + epochToMonotonic;
    const clicked = click + epochToMonotonic;
    const after = (e: TraceEvent) => e.start >= loadedAt && e.start <= inAt;
    const shift = (t: number) => (t > ready ? t - (clicked - ready) : t) - loadedAt;
    const steps = events.filter(after).map((e) => describe(e, loadedAt, shift(e.start)));
    steps.push(`${fmt(shift(ready), 0)} ms join screen ready`);
    return {
      load: loadedAt - start,
      afterLoad: ready - loadedAt + (inAt - clicked),
      steps,
    };
  } finally {
    await leave(p);
    if (host) await leave(host);
  }
}

/**
 * Runs in the page (self-contained): every `ice_candidate` frame the client sends with several candidates
 * goes out as one frame per candidate instead — the same call without the client's candidate batching.
 */
function unbatchCandidates(): void {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket["send"]>) {
    const [data] = args;
    if (typeof data === "string" && data.includes('"ice_candidate"')) {
      const frame = JSON.parse(data) as { event_type?: string; payload?: { data?: unknown } };
      const list = frame.payload?.data;
      if (frame.event_type === "ice_candidate" && Array.isArray(list) && list.length > 1) {
        for (const candidate of list)
          send.call(this, JSON.stringify({ ...frame, payload: { ...frame.payload, data: [candidate] } }));
        return;
      }
    }
    send.apply(this, args);
  };
}

/**
 * Gives the private namespace two more interfaces (a veth pair, IPv4 and IPv6 on each), so every peer
 * connection gathers five host candidates in a burst, as a laptop on Wi-Fi and Ethernet does, instead of
 * loopback's one. Only inside the benchmark's own namespace; returns how to take them away again.
 */
function addInterfaces(): (() => void) | null {
  if (process.env.VCME_IN_NETNS !== "1") return null;
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "ignore" });
  try {
    ip("link", "add", "bench-a", "type", "veth", "peer", "name", "bench-b");
    for (const [dev, v4, v6] of [
      ["bench-a", "10.200.0.1/24", "fd00:200::1/64"],
      ["bench-b", "10.200.0.2/24", "fd00:200::2/64"],
    ] as const) {
      ip("addr", "add", v4, "dev", dev);
      ip("-6", "addr", "add", v6, "dev", dev, "nodad");
      ip("link", "set", dev, "up");
    }
  } catch {
    return null;
  }
  return () => ip("link", "del", "bench-a");
}

/** Client → room frames from joining until every page decodes every other page's video. */
async function setupFrames(
  browser: Browser,
  c: Condition,
  apiUrl: string,
  hostAccount: HostAccount,
  size: number,
  batching: boolean,
) {
  const init = batching ? [] : [pageSource(unbatchCandidates)];
  const link = await createCall(apiUrl, hostAccount, `Bench frames ${size}`);
  const host = await newPerson(browser, c.baseUrl, apiUrl, hostAccount, init);
  const guests: Person[] = [];
  try {
    await hostJoins(host, link);
    for (let i = 1; i < size; i++) {
      const guest = await newPerson(browser, c.baseUrl, apiUrl, undefined, init);
      guests.push(guest);
      await guestKnocks(guest, link, `Guest ${i}`);
    }
    for (let i = 1; i < size; i++) await admit(host, `Guest ${i}`);
    const everyone = [host, ...guests];
    await Promise.all(everyone.map((p) => waitFirstFrames(p.page, size - 1, 60_000)));
    const sent = everyone.flatMap((p) => p.trace.events.filter((e) => e.kind === "sent"));
    const byType = new Map<string, number>();
    let candidates = 0;
    for (const frame of sent) {
      byType.set(frame.label, (byType.get(frame.label) ?? 0) + 1);
      if (frame.label === "ice_candidate") {
        const data = (JSON.parse(frame.data ?? "{}") as { payload?: { data?: unknown } }).payload?.data;
        candidates += Array.isArray(data) ? data.length : 1;
      }
    }
    return { total: sent.length, candidates, byType };
  } finally {
    for (const p of [...guests, host]) await leave(p);
  }
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "vcme-bench-browser-"));
  const db = await startDatabase();
  const cleanups: Array<() => unknown> = [
    () => rmSync(dataDir, { recursive: true, force: true }),
    () => db.stop(),
  ];
  try {
    const stack = await startDevStack({
      port: await freePort(),
      databaseUrl: db.postgres.url,
      buildClient: false,
      dataDir,
      vars: { JWT_SECRET: BENCH_SECRET, RATE_LIMIT_SCALE: "100" },
      log: () => {},
    });
    cleanups.push(() => stack.stop());
    const stackUrl = new URL(stack.url);
    const netem = netemAvailable();
    const proxy = netem
      ? null
      : await startDelayProxy({ host: stackUrl.hostname, port: Number(stackUrl.port) }, RTT_MS / 2);
    if (proxy) cleanups.push(() => proxy.close());
    let undo: (() => void) | null = null;
    const loopback: Condition = {
      name: "loopback",
      label: "loopback",
      baseUrl: stack.url,
      relayDelayMs: 0,
      enter() {},
      exit() {},
    };
    const delayed: Condition = {
      name: "delayed",
      label: netem
        ? `${RTT_MS} ms RTT (tc netem on loopback: signaling, media and database)`
        : `signaling delayed ${RTT_MS} ms RTT; media path not delayed: no netem on this kernel`,
      baseUrl: proxy?.url ?? stack.url,
      relayDelayMs: RTT_MS,
      enter() {
        if (netem) undo = addNetemDelay(RTT_MS / 2);
      },
      exit() {
        undo?.();
        undo = null;
      },
    };
    cleanups.push(() => delayed.exit());
    note(
      netem
        ? `Browser: ${RTT_MS} ms round trip added with tc netem on loopback in a private network namespace (every packet: HTTP, WebSocket, media, and the database, which production has next to the Worker).`
        : `Browser: no netem on this kernel (\`tc qdisc … netem\` fails: no sch_netem), so the ${RTT_MS} ms round trip is a userspace TCP proxy holding each chunk ${RTT_MS / 2} ms each way (and a new connection's first bytes one extra round trip, as a TCP handshake would) between Chromium and the dev stack: HTTP and WebSocket are delayed, WebRTC media still flows on undelayed loopback. The floor's in-page relay adds the same ${RTT_MS} ms per message (one hop up to a server and one down).`,
    );

    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => browser.close());
    const hostAccount = await signUpHost(stack.url, "Bench Host");
    const floorPage = `${stack.url}/api/health`;

    // 1. Admit → first decoded remote frame, VCME and the floor interleaved per condition.
    for (const c of part(1) ? [loopback, delayed] : []) {
      c.enter();
      try {
        const plain = await floorStart(browser, c, floorPage, null);
        const floor = await floorStart(browser, c, floorPage, FLOOR_START_BITRATE);
        const vcme = await vcmeStart(browser, c, stack.url, hostAccount);
        const what = `admit → first decoded remote frame on both sides, 2 people, ${c.label}`;
        const floors = [
          { system: "WebRTC floor: 2 pages, in-page signaling, browser defaults", result: plain },
          { system: "WebRTC floor, with VCME's start bitrate (like for like)", result: floor },
        ];
        for (const f of floors)
          row(what, f.system, `${ms(f.result.both)} · first side p50 ${fmt(f.result.first.p50, 0)} ms`);
        const over = (f: typeof floor) => fmt(vcme.both.p50 - f.both.p50, 0);
        row(
          what,
          "VCME (dev stack, real room)",
          `${ms(vcme.both)} · first side p50 ${fmt(vcme.first.p50, 0)} ms · floor + ${over(floor)} ms (p50; ${over(plain)} ms against the browser-default floor)`,
          c.name === "loopback"
            ? "≤ floor + 1 round trip; < 800 ms"
            : `≤ floor + 1 round trip (${RTT_MS} ms)`,
        );
        if (firefoxAvailable()) {
          const newCall = (title: string) => createCall(stack.url, hostAccount, title);
          const mixed = await interopStart(browser, c.baseUrl, stack.url, hostAccount, newCall, runs, failed);
          row(
            what,
            "VCME, Chromium host ↔ Firefox guest",
            `${ms(mixed.both)} · first side p50 ${fmt(mixed.first.p50, 0)} ms`,
          );
        }
        for (const f of floors) row(`where the time goes (p50), ${c.label}`, f.system, f.result.phases);
        row(`where the time goes (p50), ${c.label}`, "VCME", vcme.phases);
        if (c.name === "delayed" && vcme.steps.length > 0)
          note(
            `Browser, VCME from Admit to both first frames (${c.label}), one run: ${vcme.steps.join("; ")}.`,
          );
      } finally {
        c.exit();
      }
    }

    // 2. Round trips from opening a call link to being in the call / knocking.
    for (const role of part(2) ? (["host", "guest"] as const) : []) {
      const timings: Record<string, Timeline[]> = { loopback: [], delayed: [] };
      for (let i = 0; i < shortRuns; i++) {
        for (const c of [loopback, delayed]) {
          c.enter();
          try {
            const timeline = await attempt(`opening a call link (${role}), ${c.name}`, () =>
              openToIn(browser, c, stack.url, hostAccount, role),
            );
            if (timeline) timings[c.name]?.push(timeline);
          } finally {
            c.exit();
          }
        }
      }
      const p50 = (list: Timeline[] | undefined, pick: (t: Timeline) => number) =>
        summarize((list ?? []).map(pick)).p50;
      const loadFast = p50(timings.loopback, (t) => t.load);
      const loadSlow = p50(timings.delayed, (t) => t.load);
      const afterFast = p50(timings.loopback, (t) => t.afterLoad);
      const afterSlow = p50(timings.delayed, (t) => t.afterLoad);
      const trips = (slow: number, fast: number) =>
        `≈ ${fmt((slow - fast) / RTT_MS, 1)} round trips (at most ${fmt(slow / RTT_MS, 1)})`;
      const goal = role === "host" ? "in the call (host_joined_room)" : "knocking (waiting_room)";
      row(
        `opening a call link → page loaded (${role}, cold profile), ${delayed.label}`,
        "VCME",
        `${fmt(loadSlow, 0)} ms vs ${fmt(loadFast, 0)} ms on loopback: ${trips(loadSlow, loadFast)} (p50 of ${shortRuns})`,
      );
      row(
        `page loaded → ${goal}, ${delayed.label}`,
        "VCME",
        `${fmt(afterSlow, 0)} ms vs ${fmt(afterFast, 0)} ms on loopback: ${trips(afterSlow, afterFast)} (p50 of ${shortRuns})`,
        role === "host" ? "≤ 4 round trips after the page loads" : "",
      );
      const sample = timings.delayed?.[0];
      if (sample)
        note(
          `Browser, ${role} after the page loaded (${RTT_MS} ms RTT, click gap removed): ${sample.steps.join("; ")}.`,
        );
    }

    // 3. Frames the room receives to set up a call: loopback's one candidate per connection, then five
    // (two more interfaces), each with the client's batching and without it (one frame per candidate).
    const frameRuns = Math.max(1, Math.min(3, shortRuns));
    const variants = [
      { interfaces: false, batching: true },
      { interfaces: true, batching: true },
      { interfaces: true, batching: false },
    ];
    for (const variant of part(3) ? variants : []) {
      const removeInterfaces = variant.interfaces ? addInterfaces() : null;
      if (variant.interfaces && !removeInterfaces) {
        note(
          "Browser: the extra interfaces could not be added (not in a private network namespace), so the frame counts with five candidates per connection were not measured.",
        );
        break;
      }
      try {
        for (const size of [2, 4]) {
          const counts = [];
          for (let i = 0; i < (size === 2 ? frameRuns : 1); i++) {
            const count = await attempt(`frames to set up ${size} people`, () =>
              setupFrames(browser, loopback, stack.url, hostAccount, size, variant.batching),
            );
            if (count) counts.push(count);
          }
          const total = summarize(counts.map((c) => c.total));
          const candidates = summarize(counts.map((c) => c.candidates));
          const kinds = counts[0] ? [...counts[0].byType].map(([k, n]) => `${k} ${n}`).join(", ") : "";
          row(
            `client → room frames to set up a ${size}-person call (join until media flows everywhere), ${variant.interfaces ? "loopback + 2 interfaces (IPv4 and IPv6 each)" : "loopback only"}`,
            variant.batching ? "VCME, candidates batched (25 ms)" : "VCME, one frame per candidate",
            `${fmt(total.p50, 0)} frames (p50 of ${total.n}; ${kinds}; ${fmt(candidates.p50, 0)} candidates gathered in all)`,
            size === 2 && variant.batching && !variant.interfaces ? "≤ 12" : size === 4 ? "report" : "",
          );
        }
      } finally {
        removeInterfaces?.();
      }
    }
    if (part(3))
      note(
        "Browser, frames without batching: measured on the same client with every multi-candidate `ice_candidate` frame it sends split into one frame per candidate just before it leaves the page (an init script wraps `WebSocket.prototype.send`), so the room receives, relays and the others apply them one by one; the call must still reach video everywhere. On loopback alone each connection gathers one host candidate, so there is nothing to batch; with two more interfaces (a veth pair in the private namespace, IPv4 and IPv6 on each end) each connection gathers five in a burst, closer to a laptop on Wi-Fi and Ethernet (a real device adds STUN and TURN candidates later, in further bursts).",
      );
  } finally {
    for (const [what, { count, first }] of failures)
      note(`Browser: ${count} run(s) of ${what} failed and are left out; the first: ${first}`);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep cleaning up
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
