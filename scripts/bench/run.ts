// `npm run bench`: VCME against the alternatives and the floor, each comparison in the same run, on the
// real parts (workerd, a real Postgres, Chromium). Prints a table and writes docs/benchmarks.md (and the
// rows behind it, docs/benchmarks.json). Asserts nothing: the numbers are for reading against the targets.
// `--only=size,rooms` runs a subset (the other parts' rows are kept from earlier runs, marked as such);
// `--report=file.md` writes the report there instead (and file.json beside it). A part this machine cannot
// run, or one that fails, fails the run (exit 1) and says why.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measureClientSizes } from "../client-size.ts";
import { startDevStack } from "../dev.ts";
import { freePort } from "../local-db.ts";
import { browserPart } from "./browser.ts";
import { netPart } from "./net.ts";
import type { BenchContext, BenchPart, BenchRow } from "./part.ts";
import { roundTrips, throughput } from "./relay-benches.ts";
import { floorPeer, peerjsPeer, type RelayPeer } from "./relay-clients.ts";
import { startWorkerdFloor } from "./relays/workerd-floor.ts";
import { handWrittenTail, type PartResult, readStore, renderReport, writeStore } from "./report.ts";
import { concurrentLogins, restUnderLoad } from "./rest-benches.ts";
import { chatFanOut, manyRooms } from "./room-benches.ts";
import { fmt, type Summary, summarize } from "./stats.ts";
import {
  BENCH_SECRET,
  type Bundle,
  bundleWorker,
  cpuMs,
  type Database,
  type DirectWorker,
  fillRoom,
  removeDir,
  seedCalls,
  startDatabase,
  startDirectWorker,
} from "./vcme-stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The Durable Object relay that does nothing but parse and forward (relays/workerd-floor.ts). */
const RUNTIME_FLOOR =
  "runtime floor: a Durable Object that only parses and forwards (workerd, hibernatable sockets)";
const ms = (s: Summary) => `p50 ${fmt(s.p50)} ms · p99 ${fmt(s.p99)} ms (n=${s.n})`;

async function startRelayProcess(file: string): Promise<{ port: number; child: ChildProcess }> {
  // `node --import tsx`, not the tsx wrapper, so the pid is the relay's own (its CPU time is read from /proc).
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/bench/relays", file)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(String(chunk));
      if (match?.[1]) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { port, child };
}

async function pairs(make: () => Promise<RelayPeer>, count: number): Promise<Array<[RelayPeer, RelayPeer]>> {
  const out: Array<[RelayPeer, RelayPeer]> = [];
  for (let i = 0; i < count; i++) out.push([await make(), await make()]);
  return out;
}

async function roomPairs(worker: { wsUrl: string }, db: Database, count: number) {
  const calls = await seedCalls(db, count);
  const out: Array<[RelayPeer, RelayPeer]> = [];
  for (const call of calls) {
    const [a, b] = await fillRoom(worker.wsUrl, call, 2);
    if (a && b) out.push([a.asPeer(), b.asPeer()]);
  }
  return out;
}

function closeAll(peers: Iterable<RelayPeer>) {
  for (const peer of peers) peer.close();
}

async function restCpu(bench: BenchContext, worker: DirectWorker) {
  if (!worker.workerdPid) {
    bench.note("REST CPU: the workerd process could not be found, so CPU per request was not measured.");
    return;
  }
  const pid = worker.workerdPid;
  const api = (p: string, init?: RequestInit) => fetch(`${worker.url}${p}`, init);
  const json = (body: unknown, token?: string, headers: Record<string, string> = {}): RequestInit => ({
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const n = 200;
  const measure = async (run: (i: number) => Promise<Response>) => {
    const before = cpuMs(pid);
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const response = await run(i);
      if (!response.ok) failures++;
      await response.arrayBuffer();
    }
    const perRequest = (cpuMs(pid) - before) / n;
    return { perRequest, failures };
  };
  const tag = Math.random().toString(36).slice(2, 8);
  // The password field is the browser's PBKDF2 output: any 64 hex characters to the server.
  const password = "ab".repeat(32);
  // As at Cloudflare's edge: the client's address, so the per-address limits run too (the limits are
  // scaled up so every request is served, but each attempt is still counted in its limiter object).
  const ip = { "CF-Connecting-IP": "192.0.2.10" };
  const email = (i: number) => `cpu-${tag}-${i}@example.test`;
  const baseline = await measure(() => api("/api/no-such-endpoint"));
  const signup = await measure((i) =>
    api("/api/auth/signup", json({ name: `Bench ${i}`, email: email(i), password }, undefined, ip)),
  );
  // Each account's first login: its per-account limiter object is new, as after every quiet window.
  const login = await measure((i) =>
    api("/api/auth/login", json({ email: email(i), password }, undefined, ip)),
  );
  // The same logins again (both limiter objects warm), then without the address (one limiter call).
  const loginWarm = await measure((i) =>
    api("/api/auth/login", json({ email: email(i), password }, undefined, ip)),
  );
  const loginOneCall = await measure((i) => api("/api/auth/login", json({ email: email(i), password })));
  const session = (await (await api("/api/auth/login", json({ email: email(0), password }))).json()) as {
    access_token?: string;
  };
  const token = session.access_token;
  const create = await measure((i) =>
    api("/api/calls", json({ title: `CPU ${i}`, allow_guests: true }, token)),
  );
  const created = (await (await api("/api/calls", json({ title: "Ticket bench" }, token))).json()) as {
    call?: { link: string };
  };
  const ticket = await measure(() => api(`/api/calls/${created.call?.link}/ticket`, json({}, token, ip)));
  bench.row(
    "server CPU per request (workerd process)",
    "baseline: unknown /api path",
    `${fmt(baseline.perRequest)} ms`,
  );
  for (const [label, m] of [
    ["signup (1 rate-limiter call)", signup],
    ["login (2 rate-limiter calls, one to a new object)", login],
    ["create call", create],
    ["ticket (2 rate-limiter calls)", ticket],
  ] as const) {
    const net = m.perRequest - baseline.perRequest;
    bench.row(
      `server CPU per ${label}`,
      "VCME (workerd, minus baseline)",
      `${fmt(net)} ms${m.failures ? ` (${m.failures}/${n} not 2xx)` : ""}`,
      "≤ 5 ms (free plan: 10 ms)",
    );
  }
  // A Worker's CPU limit does not include the Durable Objects it calls (they are billed on their own), but
  // locally they run in the same workerd process; the differences between the three login runs split them.
  const perCall = loginWarm.perRequest - loginOneCall.perRequest;
  const newObject = login.perRequest - loginWarm.perRequest;
  const own = loginOneCall.perRequest - perCall - baseline.perRequest;
  bench.row(
    "server CPU per login, split (same run)",
    "VCME (workerd, derived)",
    `login's own work ${fmt(own)} ms · each rate-limiter call ${fmt(perCall)} ms (both sides) · a new limiter object ${fmt(newObject)} ms more`,
    "login's own work ≤ 5 ms",
  );
}

/** The Worker bundle as deployed, its cold start, the client's JavaScript. */
const size: BenchPart = {
  name: "size",
  async run(bench) {
    const bundle = bench.bundle();
    const worker = await bench.worker();
    bench.row(
      "Worker bundle (as deployed)",
      "VCME",
      `${fmt(bundle.gzipBytes / 1024, 1)} KB gzip (${fmt(bundle.bytes / 1024, 0)} KB raw)`,
      "≤ 200 KB gzip (free plan: 3 MB)",
    );
    bench.row(
      "cold start: new workerd process + Worker startup + first answer",
      "VCME",
      `${fmt(worker.startupMs, 0)} ms`,
      "free plan: 1 s",
    );
    const sizes = await measureClientSizes();
    bench.row(
      "client JavaScript, first screen (`/`: entry, its imports and the Home chunk)",
      "VCME",
      `${fmt(sizes.first / 1024, 1)} KB gzip (call page: ${fmt((sizes.screens["/call/:link"] ?? 0) / 1024, 1)} KB)`,
      "≤ 20 KB (React client: 124 KB)",
    );
    bench.row(
      "client JavaScript, all",
      "VCME",
      `${fmt(sizes.all / 1024, 1)} KB gzip in ${sizes.files} files`,
      "≤ 50 KB",
    );
  },
};

/** Signaling round trips and relay throughput: floor, PeerJS, the runtime floor, the room direct and via `npm run dev`. */
const relay: BenchPart = {
  name: "relay",
  async run(bench) {
    const db = await bench.database();
    const worker = await bench.worker();
    const floor = await startRelayProcess("floor.ts");
    const peerjs = await startRelayProcess("peerjs.ts");
    const runtime = await startWorkerdFloor();
    bench.onCleanup(() => floor.child.kill());
    bench.onCleanup(() => peerjs.child.kill());
    bench.onCleanup(() => runtime.stop());
    const count = 2000;
    console.log("relay: connecting 25 pairs to each relay…");
    const floorPairs = await pairs(() => floorPeer(floor.port), 25);
    const peerjsPairs = await pairs(() => peerjsPeer(peerjs.port), 25);
    const runtimePairs = await pairs(() => floorPeer(runtime.port), 25);
    const roomDirect = await roomPairs(worker, db, 25);
    // Each join queues a write for Postgres that the room's alarm sends a moment later; 50 joins at once
    // in one local workerd thread (in production each room is its own isolate) would otherwise land in
    // the first slices. Relaying during joins is what the 100 rooms run covers.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    console.log("relay: 2 000 round trips on each, interleaved…");
    // Interleaved in slices, so warm-up and machine noise fall on all four alike.
    const slices = 10;
    const samples = {
      floor: [] as number[],
      peerjs: [] as number[],
      runtime: [] as number[],
      direct: [] as number[],
    };
    for (let i = 0; i < slices; i++) {
      samples.floor.push(...(await roundTrips(floorPairs, count / slices)).samples);
      samples.peerjs.push(...(await roundTrips(peerjsPairs, count / slices)).samples);
      samples.runtime.push(...(await roundTrips(runtimePairs, count / slices)).samples);
      samples.direct.push(...(await roundTrips(roomDirect, count / slices)).samples);
    }
    const floorRtt = summarize(samples.floor);
    const peerRtt = summarize(samples.peerjs);
    const runtimeRtt = summarize(samples.runtime);
    const directRtt = summarize(samples.direct);
    bench.row("signaling round trip ×2000", "floor: bare Node ws relay", ms(floorRtt));
    bench.row("signaling round trip ×2000", "PeerJS server", ms(peerRtt));
    bench.row(
      "signaling round trip ×2000",
      RUNTIME_FLOOR,
      `${ms(runtimeRtt)} · ${fmt(runtimeRtt.p50 / floorRtt.p50)}× floor`,
    );
    bench.row(
      "signaling round trip ×2000",
      "VCME room, workerd direct",
      `${ms(directRtt)} · ${fmt(directRtt.p50 / floorRtt.p50)}× floor · ${fmt(directRtt.p50 / runtimeRtt.p50)}× runtime floor`,
      "p50 ≤ 1.5× floor and < PeerJS; p99 ≤ 5 ms",
    );
    closeAll(floorPairs.flat());
    closeAll(peerjsPairs.flat());
    closeAll(runtimePairs.flat());
    closeAll(roomDirect.flat());

    {
      const dev = await startDevStack({
        port: await freePort(),
        databaseUrl: db.postgres.url,
        buildClient: false,
        dataDir: path.join(os.tmpdir(), `vcme-bench-dev-${process.pid}`),
        vars: { JWT_SECRET: BENCH_SECRET },
        log: () => {},
      });
      bench.onCleanup(() => dev.stop());
      const devPairs = await roomPairs({ wsUrl: dev.url.replace(/^http/, "ws") }, db, 25);
      const devRtt = summarize((await roundTrips(devPairs, count)).samples);
      bench.row(
        "signaling round trip ×2000",
        "VCME room via `npm run dev`",
        `${ms(devRtt)} · ${fmt(devRtt.p50 / floorRtt.p50)}× floor`,
      );
      closeAll(devPairs.flat());
    }

    // Full load: 12 peers each keeping 32 frames in flight for 5 s.
    console.log("relay: full load…");
    const seconds = 5;
    const floorPeers = await Promise.all(Array.from({ length: 12 }, () => floorPeer(floor.port)));
    const floorCpu0 = floor.child.pid ? cpuMs(floor.child.pid) : 0;
    const floorLoad = await throughput(floorPeers, seconds);
    const floorCpu = floor.child.pid
      ? (cpuMs(floor.child.pid) - floorCpu0) / Math.max(1, floorLoad.relayed)
      : NaN;
    closeAll(floorPeers);
    const peerjsPeers = await Promise.all(Array.from({ length: 12 }, () => peerjsPeer(peerjs.port)));
    const peerCpu0 = peerjs.child.pid ? cpuMs(peerjs.child.pid) : 0;
    const peerLoad = await throughput(peerjsPeers, seconds);
    const peerCpu = peerjs.child.pid
      ? (cpuMs(peerjs.child.pid) - peerCpu0) / Math.max(1, peerLoad.relayed)
      : NaN;
    closeAll(peerjsPeers);
    const runtimePeers = await Promise.all(Array.from({ length: 12 }, () => floorPeer(runtime.port)));
    const runtimeCpu0 = runtime.pid ? cpuMs(runtime.pid) : 0;
    const runtimeLoad = await throughput(runtimePeers, seconds);
    const runtimeCpu = runtime.pid
      ? (cpuMs(runtime.pid) - runtimeCpu0) / Math.max(1, runtimeLoad.relayed)
      : NaN;
    closeAll(runtimePeers);
    const [call] = await seedCalls(db, 1);
    if (call) {
      const room = await fillRoom(worker.wsUrl, call, 12);
      const pid = worker.workerdPid;
      const cpu0 = pid ? cpuMs(pid) : 0;
      const load = await throughput(
        room.map((s) => s.asPeer()),
        seconds,
      );
      const cpu = pid ? (cpuMs(pid) - cpu0) / Math.max(1, load.relayed) : NaN;
      for (const s of room) s.ws.close();
      bench.row(
        "relayed frames/s, one room of 12 at full load",
        "floor: bare Node ws relay",
        `${fmt(floorLoad.framesPerSecond)} /s · ${fmt(floorCpu * 1000, 1)} µs CPU/frame`,
      );
      bench.row(
        "relayed frames/s, 12 peers at full load",
        "PeerJS server",
        `${fmt(peerLoad.framesPerSecond)} /s · ${fmt(peerCpu * 1000, 1)} µs CPU/frame`,
      );
      bench.row(
        "relayed frames/s, one room of 12 at full load",
        RUNTIME_FLOOR,
        `${fmt(runtimeLoad.framesPerSecond)} /s · ${fmt(runtimeCpu * 1000, 1)} µs CPU/frame`,
      );
      bench.row(
        "relayed frames/s, one room of 12 at full load",
        "VCME room, workerd direct",
        `${fmt(load.framesPerSecond)} /s · ${fmt(cpu * 1000, 1)} µs CPU/frame · ${fmt(cpu / runtimeCpu)}× the runtime floor's CPU`,
        "≥ PeerJS and ≥ 20 000 /s",
      );
    }
  },
};

/** Chat fan-out in a room of 50, and 100 rooms at once. */
const rooms: BenchPart = {
  name: "rooms",
  async run(bench) {
    const db = await bench.database();
    const worker = await bench.worker();
    const [call] = await seedCalls(db, 1);
    if (call) {
      const room = await fillRoom(worker.wsUrl, call, 50);
      const fanOut = await chatFanOut(room, 200);
      bench.row("chat fan-out, room of 50 sockets", "VCME room, workerd direct", ms(fanOut), "p99 ≤ 25 ms");
      for (const s of room) s.ws.close();
    }
    const calls = await seedCalls(db, 100);
    const rooms = [];
    for (const c of calls) rooms.push(await fillRoom(worker.wsUrl, c, 4));
    const pid = worker.workerdPid;
    for (const [phases, seconds] of [
      ["spread", 30],
      ["together", 10],
    ] as const) {
      const cpu0 = pid ? cpuMs(pid) : 0;
      const started = performance.now();
      const soak = await manyRooms(rooms, seconds, 10, phases);
      const busy = pid
        ? `${fmt((100 * (cpuMs(pid) - cpu0)) / (performance.now() - started), 0)}% of a core`
        : "";
      bench.row(
        phases === "spread"
          ? "100 rooms × 4 sockets, 10 frames/s each, 30 s (each socket at its own moment of the 100 ms)"
          : "100 rooms × 4 sockets, 10 frames/s each, 10 s, all 400 sending in the same millisecond (worst case)",
        "VCME room, workerd direct",
        `${soak.sent.toLocaleString("en-US")} sent · ${soak.lost} lost · ${soak.reordered} reordered · ${soak.errors} errors · ${ms(soak.latency)}${busy ? ` · workerd ${busy}` : ""}`,
        phases === "spread" ? "0 lost or reordered; p99 ≤ 25 ms" : "",
      );
    }
    for (const s of rooms.flat()) s.ws.close();
  },
};

/** Server CPU per request and REST latency under concurrency, on a fresh workerd. */
const rest: BenchPart = {
  name: "rest",
  async run(bench) {
    const db = await bench.database();
    // A fresh workerd, so nothing left from the room sections (closing sockets, alarms) is counted.
    await bench.stopWorker();
    // Limits scaled up so every request is served (the limiter still runs on each one, as in production).
    const restWorker = await startDirectWorker(bench.bundle(), db, { RATE_LIMIT_SCALE: "1000" });
    bench.onCleanup(() => restWorker.stop());
    await restCpu(bench, restWorker);
    const load = await restUnderLoad(restWorker.url, 50, 10);
    const failed = Object.entries(load.failures).map(([status, count]) => `${count}× ${status}`);
    for (const [label, summary] of [
      ["create call", load.createCall],
      ["ticket", load.ticket],
      ["call history", load.history],
    ] as const) {
      bench.row(
        `REST latency, ${label}, ${load.clients} concurrent clients`,
        `VCME (workerd direct, ${db.postgres.singleSession ? "PGlite" : "PostgreSQL 15"})`,
        `${ms(summary)}${failed.length ? ` · not 2xx: ${failed.join(", ")}` : " · 0 errors"}`,
        "p50 and p99 reported",
      );
    }
    const burst = await concurrentLogins(restWorker.url, 100);
    bench.row(
      "100 logins at the same moment",
      `VCME (workerd direct, ${db.postgres.singleSession ? "PGlite" : "PostgreSQL 15"})`,
      `${ms(burst.latency)} · ${burst.failures} not 2xx`,
      "0 errors (issue 9)",
    );
    bench.note(
      `REST under load: ${load.clients} signed-in clients, each running ${load.rounds} rounds of create call → ticket → call history with one request in flight, all at once (${Math.round(load.wallMs)} ms wall); every request opens its own Postgres connection through the bridge, as a Worker does.`,
    );
  },
};

/** Every part, in report order. A new part: its own file exporting a BenchPart, and one entry here. */
const PARTS: BenchPart[] = [size, relay, rooms, rest, browserPart, netPart];

function versions(): string {
  const pkg = (name: string) => {
    try {
      return JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"))
        .version as string;
    } catch {
      return "?";
    }
  };
  return `node ${process.version}, wrangler ${pkg("wrangler")}, miniflare ${pkg("miniflare")}, workerd ${pkg("workerd")}, peer ${pkg("peer")}, ws ${pkg("ws")}`;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  let kernel = os.release();
  try {
    kernel = execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim();
  } catch {
    // keep os.release()
  }
  return `${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM, ${kernel}`;
}

interface Options {
  only: string[];
  report: string;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => argv.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
  const only = (value("only") ?? "").split(",").filter(Boolean);
  const known = PARTS.map((p) => p.name);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new UsageError(`unknown part ${unknown.join(", ")}: the parts are ${known.join(", ")}`);
  }
  return { only, report: path.resolve(value("report") ?? path.join(root, "docs/benchmarks.md")) };
}

class UsageError extends Error {}

/** The shared pieces (database, bundle, workerd), each made when a part first asks for it. */
function sharedContext(cleanups: Array<() => unknown>) {
  let database: Promise<Database> | null = null;
  let bundle: Bundle | null = null;
  let worker: Promise<DirectWorker> | null = null;
  const context = {
    onCleanup: (cleanup: () => unknown) => void cleanups.push(cleanup),
    database() {
      database ??= startDatabase().then((db) => {
        cleanups.push(() => db.stop());
        return db;
      });
      return database;
    },
    bundle() {
      if (!bundle) {
        const made = bundleWorker();
        cleanups.push(() => removeDir(made.dir));
        bundle = made;
      }
      return bundle;
    },
    worker() {
      worker ??= context.database().then(async (db) => {
        const started = await startDirectWorker(context.bundle(), db, { ROOM_RATE_LIMIT: "off" });
        cleanups.push(() => started.stop());
        return started;
      });
      return worker;
    },
    async stopWorker() {
      const running = worker;
      worker = null;
      if (running) await (await running).stop();
    },
  };
  return context;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const selected = PARTS.filter((part) => options.only.length === 0 || options.only.includes(part.name));
  // Before measuring anything: a part this machine cannot run fails the run now, saying what to install.
  const missing = selected.flatMap((part) => {
    const why = part.missing?.();
    return why ? [`bench: the ${part.name} part cannot run here: ${why}`] : [];
  });
  if (missing.length) {
    for (const line of missing) console.error(line);
    process.exit(1);
  }

  const startedAt = new Date().toISOString();
  const started = Date.now();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const machineLine = machine();
  const versionLine = versions();
  const cleanups: Array<() => unknown> = [];
  const shared = sharedContext(cleanups);
  const results = new Map<string, PartResult>();
  const failed: string[] = [];
  try {
    for (const part of selected) {
      const rows: BenchRow[] = [];
      const notes: string[] = [];
      const bench: BenchContext = {
        ...shared,
        row(what, system, result, target = "") {
          rows.push({ what, system, result, target });
          console.log(`${what} | ${system} | ${result}${target ? ` | target ${target}` : ""}`);
        },
        note: (text) => void notes.push(text),
      };
      console.log(`bench: ${part.name}…`);
      try {
        await part.run(bench);
        results.set(part.name, {
          measuredAt: startedAt,
          command,
          machine: machineLine,
          versions: versionLine,
          rows,
          notes,
        });
      } catch (error) {
        failed.push(part.name);
        console.error(`bench: the ${part.name} part failed (its earlier rows are kept):`);
        console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep cleaning up
      }
    }
  }

  const storeFile = `${options.report.replace(/\.md$/, "")}.json`;
  const store = readStore(storeFile);
  for (const [name, result] of results) store.parts[name] = result;
  writeStore(storeFile, store);
  const report = renderReport(
    store,
    PARTS.map((p) => p.name),
    {
      startedAt,
      command,
      seconds: Math.round((Date.now() - started) / 1000),
      machine: machineLine,
      versions: versionLine,
      measured: [...results.keys()],
      failed,
    },
    handWrittenTail(options.report),
  );
  writeFileSync(options.report, report);
  console.log(
    `\nwritten to ${path.relative(process.cwd(), options.report)} (rows: ${path.relative(process.cwd(), storeFile)})`,
  );
  if (failed.length) {
    console.error(`bench: failed: ${failed.join(", ")}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
