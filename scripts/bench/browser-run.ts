// The browser section of `npm run bench`, run by browser.ts in its own process (inside a private network
// namespace where the machine allows one). It starts a throwaway Postgres and the real dev stack, drives
// real Chromium with fake camera and microphone, and prints its rows and notes as `@@bench {json}` lines.
// Counts: VCME_BENCH_BROWSER_RUNS (default 12) runs of admit → first frame per system and condition.
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
import { type FloorMessage, installProbe, pageSource, setUpFloorPage } from "./browser-probes.ts";
import { fmt, type Summary, summarize } from "./stats.ts";
import { BENCH_SECRET, startDatabase } from "./vcme-stack.ts";

const RTT_MS = 100;
const runs = Math.max(1, Number(process.env.VCME_BENCH_BROWSER_RUNS ?? 12));
const frameRuns = Math.max(1, Math.min(3, Math.ceil(runs / 4)));

function emit(message: { row: [string, string, string, string?] } | { note: string }): void {
  process.stdout.write(`@@bench ${JSON.stringify(message)}\n`);
}
const row = (what: string, system: string, result: string, target?: string) =>
  emit({ row: [what, system, result, target] });
const note = (text: string) => emit({ note: text });
const ms = (s: Summary) => `p50 ${fmt(s.p50, 0)} ms · p99 ${fmt(s.p99, 0)} ms (n=${s.n})`;

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
  for (let i = 0; i < runs; i++) {
    const link = await createCall(apiUrl, hostAccount, `Bench start ${i}`);
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
        steps = [...during("host", host.trace.events), ...during("guest", guest.trace.events)]
          .sort((a, b) => a.e.start - b.e.start)
          .map(({ who, e }) => `${who} ${describe(e, origin)}`);
        steps.push(
          `${fmt(hostFrame - admittedAt, 0)} ms host's first frame`,
          `${fmt(guestFrame - admittedAt, 0)} ms guest's first frame`,
        );
      }
    } finally {
      await leave(guest);
      await leave(host);
    }
  }
  return { both: summarize(bothSides), first: summarize(firstSide), steps };
}

/** One trace event as "offset → label (duration)", the offset in ms from `origin`. */
function describe(e: TraceEvent, origin: number, offset = e.start - origin): string {
  const took = Number.isFinite(e.end) && e.end > e.start ? ` (${fmt(e.end - e.start, 0)} ms)` : "";
  const arrow = e.kind === "sent" ? "→ " : e.kind === "received" ? "← " : "";
  return `${fmt(offset, 0)} ms ${arrow}${e.label}${took}`;
}

/** The WebRTC floor: two pages, one peer connection each, signaling relayed straight between them. */
async function floorStart(browser: Browser, c: Condition, pageUrl: string) {
  const bothSides: number[] = [];
  const firstSide: number[] = [];
  for (let i = 0; i < runs; i++) {
    const contexts = await Promise.all(
      [0, 1].map(() => browser.newContext({ permissions: ["camera", "microphone"] })),
    );
    try {
      const pages = await Promise.all(contexts.map((context) => context.newPage()));
      const [a, b] = pages;
      if (!a || !b) throw new Error("floor pages missing");
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        await from.addInitScript({ content: pageSource(installProbe) });
        await from.exposeFunction("floorSend", (message: FloorMessage) => {
          const deliver = () =>
            void to.evaluate((m) => window.__floor.receive(m), message).catch(() => undefined);
          if (c.relayDelayMs > 0) setTimeout(deliver, c.relayDelayMs);
          else deliver();
        });
        await from.goto(pageUrl);
        await from.evaluate(pageSource(setUpFloorPage));
      }
      const startedAt = await a.evaluate(() => window.__floor.start());
      await Promise.all([waitFirstFrames(a, 1), waitFirstFrames(b, 1)]);
      const [pa, pb] = await Promise.all([probeOf(a), probeOf(b)]);
      const fa = pa.firstFrames[0]?.at;
      const fb = pb.firstFrames[0]?.at;
      if (fa === undefined || fb === undefined) continue;
      bothSides.push(Math.max(fa, fb) - startedAt);
      firstSide.push(Math.min(fa, fb) - startedAt);
    } finally {
      for (const context of contexts) await context.close().catch(() => undefined);
    }
  }
  return { both: summarize(bothSides), first: summarize(firstSide) };
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

/** Client → room frames from joining until every page decodes every other page's video. */
async function setupFrames(
  browser: Browser,
  c: Condition,
  apiUrl: string,
  hostAccount: HostAccount,
  size: number,
) {
  const link = await createCall(apiUrl, hostAccount, `Bench frames ${size}`);
  const host = await newPerson(browser, c.baseUrl, apiUrl, hostAccount);
  const guests: Person[] = [];
  try {
    await hostJoins(host, link);
    for (let i = 1; i < size; i++) {
      const guest = await newPerson(browser, c.baseUrl, apiUrl);
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
    const batched = byType.get("ice_candidate") ?? 0;
    return { total: sent.length, unbatched: sent.length - batched + candidates, candidates, byType };
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
    for (const c of [loopback, delayed]) {
      c.enter();
      try {
        const floor = await floorStart(browser, c, floorPage);
        const vcme = await vcmeStart(browser, c, stack.url, hostAccount);
        const what = `admit → first decoded remote frame on both sides, 2 people, ${c.label}`;
        row(
          what,
          "WebRTC floor: 2 pages, in-page signaling",
          `${ms(floor.both)} · first side p50 ${fmt(floor.first.p50, 0)} ms`,
        );
        const over = vcme.both.p50 - floor.both.p50;
        row(
          what,
          "VCME (dev stack, real room)",
          `${ms(vcme.both)} · first side p50 ${fmt(vcme.first.p50, 0)} ms · floor + ${fmt(over, 0)} ms (p50)`,
          c.name === "loopback"
            ? "≤ floor + 1 round trip; < 800 ms"
            : `≤ floor + 1 round trip (${RTT_MS} ms)`,
        );
        if (c.name === "delayed" && vcme.steps.length > 0)
          note(
            `Browser, VCME from Admit to both first frames (${c.label}), one run: ${vcme.steps.join("; ")}.`,
          );
      } finally {
        c.exit();
      }
    }

    // 2. Round trips from opening a call link to being in the call / knocking.
    for (const role of ["host", "guest"] as const) {
      const timings: Record<string, Timeline[]> = { loopback: [], delayed: [] };
      for (let i = 0; i < frameRuns; i++) {
        for (const c of [loopback, delayed]) {
          c.enter();
          try {
            timings[c.name]?.push(await openToIn(browser, c, stack.url, hostAccount, role));
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
      const trips = (slow: number, fast: number) => `≈ ${fmt((slow - fast) / RTT_MS, 1)} round trips`;
      const goal = role === "host" ? "in the call (host_joined_room)" : "knocking (waiting_room)";
      row(
        `opening a call link → page loaded (${role}, cold profile), ${delayed.label}`,
        "VCME",
        `${fmt(loadSlow, 0)} ms vs ${fmt(loadFast, 0)} ms on loopback: ${trips(loadSlow, loadFast)} (p50 of ${frameRuns})`,
      );
      row(
        `page loaded → ${goal}, ${delayed.label}`,
        "VCME",
        `${fmt(afterSlow, 0)} ms vs ${fmt(afterFast, 0)} ms on loopback: ${trips(afterSlow, afterFast)} (p50 of ${frameRuns})`,
        role === "host" ? "≤ 4 round trips after the page loads" : "",
      );
      const sample = timings.delayed?.[0];
      if (sample)
        note(
          `Browser, ${role} after the page loaded (${RTT_MS} ms RTT, click gap removed): ${sample.steps.join("; ")}.`,
        );
    }

    // 3. Frames the room receives to set up a call.
    for (const size of [2, 4]) {
      const counts = [];
      for (let i = 0; i < (size === 2 ? frameRuns : 1); i++)
        counts.push(await setupFrames(browser, loopback, stack.url, hostAccount, size));
      const total = summarize(counts.map((c) => c.total));
      const unbatched = summarize(counts.map((c) => c.unbatched));
      const kinds = counts[0] ? [...counts[0].byType].map(([k, n]) => `${k} ${n}`).join(", ") : "";
      row(
        `client → room frames to set up a ${size}-person call (join until media flows everywhere)`,
        "VCME, candidates batched (25 ms)",
        `${fmt(total.p50, 0)} frames (p50 of ${total.n}; ${kinds})`,
        size === 2 ? "≤ 12" : "report",
      );
      row(
        `client → room frames to set up a ${size}-person call (join until media flows everywhere)`,
        "VCME, one frame per candidate (derived from the same frames)",
        `${fmt(unbatched.p50, 0)} frames (${counts[0]?.candidates ?? 0} candidates gathered in all)`,
      );
    }
    note(
      "Browser, frames without batching: the client has no switch to turn candidate batching off, so that row counts the same runs' frames with each batched `ice_candidate` frame replaced by one frame per candidate it carried (what an unbatched client would have sent for the same candidates). In the private namespace each peer connection gathers only one or two loopback host candidates, so there is little to batch; a real device (Wi-Fi and Ethernet, IPv4 and IPv6, STUN and TURN) gathers several per connection in bursts, which is what batching saves.",
    );
  } finally {
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
