// `npm run bench`: VCME against the alternatives and the floor, each comparison in the same run, on the
// real parts (workerd, a real Postgres, Chromium). Prints a table and writes docs/benchmarks.md.
// Asserts nothing: the numbers are for reading against the targets. `--only=relay,rooms,…` runs a subset.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measureClientSizes } from "../client-size.ts";
import { startDevStack } from "../dev.ts";
import { freePort } from "../local-db.ts";
import { browserBenchmarks } from "./browser.ts";
import { netBenchmarks } from "./net.ts";
import { roundTrips, throughput } from "./relay-benches.ts";
import { floorPeer, peerjsPeer, type RelayPeer } from "./relay-clients.ts";
import { startWorkerdFloor } from "./relays/workerd-floor.ts";
import { concurrentLogins, restUnderLoad } from "./rest-benches.ts";
import { chatFanOut, manyRooms } from "./room-benches.ts";
import { fmt, type Summary, summarize } from "./stats.ts";
import {
  BENCH_SECRET,
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
const only = new Set(
  (process.argv.find((a) => a.startsWith("--only="))?.slice(7) ?? "").split(",").filter(Boolean),
);
const wanted = (name: string) => only.size === 0 || only.has(name);

interface Row {
  what: string;
  system: string;
  result: string;
  target: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const row = (what: string, system: string, result: string, target = "") => {
  rows.push({ what, system, result, target });
  console.log(`${what} | ${system} | ${result}${target ? ` | target ${target}` : ""}`);
};
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

async function restCpu(worker: DirectWorker) {
  if (!worker.workerdPid) {
    notes.push("REST CPU: the workerd process could not be found, so CPU per request was not measured.");
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
  row(
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
    row(
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
  row(
    "server CPU per login, split (same run)",
    "VCME (workerd, derived)",
    `login's own work ${fmt(own)} ms · each rate-limiter call ${fmt(perCall)} ms (both sides) · a new limiter object ${fmt(newObject)} ms more`,
    "login's own work ≤ 5 ms",
  );
}

async function main() {
  const started = Date.now();
  const db = await startDatabase();
  const cleanups: Array<() => unknown> = [() => db.stop()];
  try {
    const bundle = bundleWorker();
    cleanups.push(() => removeDir(bundle.dir));
    const worker = await startDirectWorker(bundle, db, { ROOM_RATE_LIMIT: "off" });
    cleanups.push(() => worker.stop());

    if (wanted("size")) {
      row(
        "Worker bundle (as deployed)",
        "VCME",
        `${fmt(bundle.gzipBytes / 1024, 1)} KB gzip (${fmt(bundle.bytes / 1024, 0)} KB raw)`,
        "≤ 200 KB gzip (free plan: 3 MB)",
      );
      row(
        "cold start: new workerd process + Worker startup + first answer",
        "VCME",
        `${fmt(worker.startupMs, 0)} ms`,
        "free plan: 1 s",
      );
      try {
        const sizes = await measureClientSizes();
        row(
          "client JavaScript, first screen (`/`: entry, its imports and the Home chunk)",
          "VCME",
          `${fmt(sizes.first / 1024, 1)} KB gzip (call page: ${fmt((sizes.screens["/call/:link"] ?? 0) / 1024, 1)} KB)`,
          "≤ 30 KB (React client: 124 KB)",
        );
        row(
          "client JavaScript, all",
          "VCME",
          `${fmt(sizes.all / 1024, 1)} KB gzip in ${sizes.files} files`,
          "≤ 45 KB",
        );
      } catch (error) {
        notes.push(`Client sizes: the client did not build (${String(error)}).`);
      }
    }

    if (wanted("relay")) {
      const floor = await startRelayProcess("floor.ts");
      const peerjs = await startRelayProcess("peerjs.ts");
      const runtime = await startWorkerdFloor();
      cleanups.push(
        () => floor.child.kill(),
        () => peerjs.child.kill(),
        () => runtime.stop(),
      );
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
      row("signaling round trip ×2000", "floor: bare Node ws relay", ms(floorRtt));
      row("signaling round trip ×2000", "PeerJS server", ms(peerRtt));
      row(
        "signaling round trip ×2000",
        RUNTIME_FLOOR,
        `${ms(runtimeRtt)} · ${fmt(runtimeRtt.p50 / floorRtt.p50)}× floor`,
      );
      row(
        "signaling round trip ×2000",
        "VCME room, workerd direct",
        `${ms(directRtt)} · ${fmt(directRtt.p50 / floorRtt.p50)}× floor · ${fmt(directRtt.p50 / runtimeRtt.p50)}× runtime floor`,
        "p50 ≤ 1.5× floor and < PeerJS; p99 ≤ 5 ms",
      );
      closeAll(floorPairs.flat());
      closeAll(peerjsPairs.flat());
      closeAll(runtimePairs.flat());
      closeAll(roomDirect.flat());

      if (wanted("dev")) {
        const dev = await startDevStack({
          port: await freePort(),
          databaseUrl: db.postgres.url,
          buildClient: false,
          dataDir: path.join(os.tmpdir(), `vcme-bench-dev-${process.pid}`),
          vars: { JWT_SECRET: BENCH_SECRET },
          log: () => {},
        });
        cleanups.push(() => dev.stop());
        const devPairs = await roomPairs({ wsUrl: dev.url.replace(/^http/, "ws") }, db, 25);
        const devRtt = summarize((await roundTrips(devPairs, count)).samples);
        row(
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
        row(
          "relayed frames/s, one room of 12 at full load",
          "floor: bare Node ws relay",
          `${fmt(floorLoad.framesPerSecond)} /s · ${fmt(floorCpu * 1000, 1)} µs CPU/frame`,
        );
        row(
          "relayed frames/s, 12 peers at full load",
          "PeerJS server",
          `${fmt(peerLoad.framesPerSecond)} /s · ${fmt(peerCpu * 1000, 1)} µs CPU/frame`,
        );
        row(
          "relayed frames/s, one room of 12 at full load",
          RUNTIME_FLOOR,
          `${fmt(runtimeLoad.framesPerSecond)} /s · ${fmt(runtimeCpu * 1000, 1)} µs CPU/frame`,
        );
        row(
          "relayed frames/s, one room of 12 at full load",
          "VCME room, workerd direct",
          `${fmt(load.framesPerSecond)} /s · ${fmt(cpu * 1000, 1)} µs CPU/frame · ${fmt(cpu / runtimeCpu)}× the runtime floor's CPU`,
          "≥ PeerJS and ≥ 20 000 /s",
        );
      }
    }

    if (wanted("rooms")) {
      const [call] = await seedCalls(db, 1);
      if (call) {
        const room = await fillRoom(worker.wsUrl, call, 50);
        const fanOut = await chatFanOut(room, 200);
        row("chat fan-out, room of 50 sockets", "VCME room, workerd direct", ms(fanOut), "p99 ≤ 25 ms");
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
        row(
          phases === "spread"
            ? "100 rooms × 4 sockets, 10 frames/s each, 30 s (each socket at its own moment of the 100 ms)"
            : "100 rooms × 4 sockets, 10 frames/s each, 10 s, all 400 sending in the same millisecond (worst case)",
          "VCME room, workerd direct",
          `${soak.sent.toLocaleString("en-US")} sent · ${soak.lost} lost · ${soak.reordered} reordered · ${soak.errors} errors · ${ms(soak.latency)}${busy ? ` · workerd ${busy}` : ""}`,
          phases === "spread" ? "0 lost or reordered; p99 ≤ 25 ms" : "",
        );
      }
      for (const s of rooms.flat()) s.ws.close();
    }

    if (wanted("rest")) {
      // A fresh workerd, so nothing left from the room sections (closing sockets, alarms) is counted.
      await worker.stop();
      // Limits scaled up so every request is served (the limiter still runs on each one, as in production).
      const restWorker = await startDirectWorker(bundle, db, { RATE_LIMIT_SCALE: "1000" });
      cleanups.push(() => restWorker.stop());
      await restCpu(restWorker);
      const load = await restUnderLoad(restWorker.url, 50, 10);
      const failed = Object.entries(load.failures).map(([status, count]) => `${count}× ${status}`);
      for (const [label, summary] of [
        ["create call", load.createCall],
        ["ticket", load.ticket],
        ["call history", load.history],
      ] as const) {
        row(
          `REST latency, ${label}, ${load.clients} concurrent clients`,
          `VCME (workerd direct, ${db.postgres.singleSession ? "PGlite" : "PostgreSQL 15"})`,
          `${ms(summary)}${failed.length ? ` · not 2xx: ${failed.join(", ")}` : " · 0 errors"}`,
          "p50 and p99 reported",
        );
      }
      const burst = await concurrentLogins(restWorker.url, 100);
      row(
        "100 logins at the same moment",
        `VCME (workerd direct, ${db.postgres.singleSession ? "PGlite" : "PostgreSQL 15"})`,
        `${ms(burst.latency)} · ${burst.failures} not 2xx`,
        "0 errors (issue 9)",
      );
      notes.push(
        `REST under load: ${load.clients} signed-in clients, each running ${load.rounds} rounds of create call → ticket → call history with one request in flight, all at once (${Math.round(load.wallMs)} ms wall); every request opens its own Postgres connection through the bridge, as a Worker does.`,
      );
    }

    // Its own process, Postgres and dev stack, in a private network namespace (see browser.ts).
    if (wanted("browser")) await browserBenchmarks({ row, note: (text) => notes.push(text) });
    if (wanted("net")) await netBenchmarks({ row, note: (text) => notes.push(text) });
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep cleaning up
      }
    }
  }
  writeReport(Date.now() - started);
}

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

function writeReport(elapsedMs: number) {
  const file = path.join(root, "docs/benchmarks.md");
  const table = [
    "| what | system | result | target |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.what} | ${r.system} | ${r.result} | ${r.target} |`),
  ].join("\n");
  const previous = (() => {
    try {
      const text = readFileSync(file, "utf8");
      const at = text.indexOf("\n## How it is measured");
      return at >= 0 ? text.slice(at) : "";
    } catch {
      return "";
    }
  })();
  const report = `# Benchmarks

Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`npm run bench\`${only.size ? ` --only=${[...only].join(",")}` : ""} (${fmt(elapsedMs / 1000, 0)} s)
Machine: ${machine()}
Versions: ${versions()}

${table}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}${previous}`;
  writeFileSync(file, report.endsWith("\n") ? report : `${report}\n`);
  console.log(`\nwritten to ${path.relative(root, file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
