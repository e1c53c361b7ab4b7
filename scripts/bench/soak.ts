// `npx tsx scripts/bench/soak.ts [--requests=3000] [--seconds=120] [--path=/api/health]`: the long-run checks the test pool cannot
// make, on the Worker as deployed (workerd through Miniflare, PostgreSQL 15 behind the bridge):
//   1. REST: one person makes `requests` requests one after another (create call, ticket, call history,
//      my calls, me); latency per window of requests and the workerd process's memory after each window —
//      does anything slow down or grow request after request?
//   2. Rooms: 50 rooms × 4 sockets relaying 10 frames/s each for `seconds`, the process's memory sampled
//      every 10 s — 0 lost or reordered, memory flat?
// Prints its figures (for docs/reliability.md); asserts nothing.
import { readFileSync } from "node:fs";
import { manyRooms } from "./room-benches.ts";
import { fmt, summarize } from "./stats.ts";
import {
  bundleWorker,
  fillRoom,
  removeDir,
  seedCalls,
  startDatabase,
  startDirectWorker,
} from "./vcme-stack.ts";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const requests = arg("requests", 3000);
/** `--path=/api/health`: every REST request is a GET of this path instead of the mix. */
const onlyPath = process.argv.find((a) => a.startsWith("--path="))?.slice(7);
const seconds = arg("seconds", 120);

/** Resident memory of a process, MiB. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? Number.NaN) / 1024;
}

const db = await startDatabase();
const bundle = bundleWorker();
const worker = await startDirectWorker(bundle, db, { RATE_LIMIT_SCALE: "1000" });
try {
  const pid = worker.workerdPid;
  if (!pid) throw new Error("the workerd process was not found");
  console.log(`workerd ${pid}: ${fmt(rssMiB(pid), 1)} MiB after startup`);

  // 1. REST, one request after another.
  const signup = await fetch(`${worker.url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "Soak",
      email: `soak-${Date.now()}@example.test`,
      password: "ab".repeat(32),
    }),
  });
  const { access_token: token } = (await signup.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  let link = "";
  const mix: Array<() => Promise<Response>> = [
    () => fetch(`${worker.url}/api/calls`, { method: "POST", headers: auth, body: '{"title":"Soak"}' }),
    () => fetch(`${worker.url}/api/calls/${link}/ticket`, { method: "POST", headers: auth, body: "{}" }),
    () => fetch(`${worker.url}/api/call-logs`, { headers: auth }),
    () => fetch(`${worker.url}/api/calls`, { headers: auth }),
    () => fetch(`${worker.url}/api/me`, { headers: auth }),
  ];
  const steps = onlyPath ? [() => fetch(`${worker.url}${onlyPath}`, { headers: auth })] : mix;
  const window = 500;
  let failures = 0;
  let latencies: number[] = [];
  const restStarted = performance.now();
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await (steps[i % steps.length] ?? steps[0])?.();
    const body = await response?.text();
    latencies.push(performance.now() - started);
    if (!response?.ok) failures++;
    else if (!onlyPath && i % steps.length === 0)
      link = (JSON.parse(body ?? "{}") as { call: { link: string } }).call.link;
    if (latencies.length === window) {
      const s = summarize(latencies);
      console.log(
        `REST requests ${i + 1 - window + 1}–${i + 1}: p50 ${fmt(s.p50)} ms · p99 ${fmt(s.p99)} ms · workerd ${fmt(rssMiB(pid), 1)} MiB`,
      );
      latencies = [];
    }
  }
  console.log(
    `REST: ${requests} requests in ${fmt((performance.now() - restStarted) / 1000, 1)} s, ${failures} not 2xx`,
  );

  // 2. Rooms relaying for a while, memory sampled.
  const calls = await seedCalls(db, 50);
  const rooms = [];
  for (const call of calls) rooms.push(await fillRoom(worker.wsUrl, call, 4));
  console.log(`rooms: 50 × 4 sockets joined · workerd ${fmt(rssMiB(pid), 1)} MiB`);
  const samples: string[] = [];
  const sampler = setInterval(() => samples.push(fmt(rssMiB(pid), 1)), 10_000);
  const result = await manyRooms(rooms, seconds, 10);
  clearInterval(sampler);
  console.log(
    `rooms: ${seconds} s, ${result.sent} sent · ${result.lost} lost · ${result.reordered} reordered · ${result.errors} errors · p50 ${fmt(result.latency.p50)} ms · p99 ${fmt(result.latency.p99)} ms`,
  );
  console.log(`rooms: workerd MiB every 10 s: ${samples.join(", ")}`);
  for (const socket of rooms.flat()) socket.ws.close();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  console.log(`after closing every socket: workerd ${fmt(rssMiB(pid), 1)} MiB`);
} finally {
  await worker.stop();
  removeDir(bundle.dir);
  await db.stop();
}
