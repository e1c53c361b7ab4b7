// VCME for the benchmarks: a real Postgres behind the bridge, the Worker bundled exactly as `wrangler deploy`
// would ship it, and that bundle run in workerd through Miniflare's direct socket (no dev proxy).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Client } from "@neondatabase/serverless";
import { Miniflare } from "miniflare";
import { issueTicket } from "../../src/domain/tickets.ts";
import { type DbBridge, startDbBridge } from "../db-bridge.ts";
import { findPostgresBin, type LocalPostgres, startPglite, startPostgresCluster } from "../local-db.ts";
import { configureNeonForNode, runMigrations } from "../migrate.ts";
import { joinRoomSocket, type RoomSocket } from "./relay-clients.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const BENCH_SECRET = "benchmark-secret-that-is-long-enough-0123456789abcdef";

export interface Database {
  postgres: LocalPostgres;
  bridge: DbBridge;
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL (or PGlite) with the bridge and migrations, for one benchmark run. */
export async function startDatabase(): Promise<Database> {
  const bin = findPostgresBin();
  const postgres = bin ? await startPostgresCluster(bin) : await startPglite();
  const bridge = await startDbBridge({ serialize: postgres.singleSession });
  await runMigrations(postgres.url, bridge.proxy);
  return {
    postgres,
    bridge,
    async stop() {
      await bridge.close();
      await postgres.stop();
    },
  };
}

export interface Bundle {
  dir: string;
  script: string;
  bytes: number;
  gzipBytes: number;
}

/** Bundles the Worker the way `wrangler deploy` does (dry run) and measures it. */
export function bundleWorker(): Bundle {
  // wrangler refuses a missing assets directory with a message about wrangler.toml, not about the build.
  if (!existsSync(path.join(root, "client/dist/index.html")))
    throw new Error("client/dist is missing: build the client first (`npm run build`; `npm run bench` does)");
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-bundle-"));
  execFileSync(path.join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", dir], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: "pipe",
  });
  const script = path.join(dir, "worker.js");
  const source = readFileSync(script);
  return { dir, script, bytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length };
}

export interface DirectWorker {
  url: string;
  wsUrl: string;
  /** Milliseconds from `new Miniflare` to the first answered request. */
  startupMs: number;
  workerdPid: number | null;
  stop(): Promise<void>;
}

/** The pids of workerd processes that are children of this process. */
export function workerdChildren(): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes("workerd"))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
}

/** Runs the bundled Worker in workerd and returns its direct (no proxy) URL. */
export async function startDirectWorker(
  bundle: Bundle,
  db: Database,
  vars: Record<string, string> = {},
): Promise<DirectWorker> {
  const before = new Set(workerdChildren());
  const started = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle.script,
    modulesRoot: bundle.dir,
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    compatibilityDate: "2026-04-20",
    cf: false,
    host: "127.0.0.1",
    durableObjects: {
      CALL_ROOM: { className: "CallRoom", useSQLite: true },
      RATE_LIMITER: { className: "RateLimiter", useSQLite: true },
    },
    bindings: {
      APP_ENV: "benchmark",
      JWT_SECRET: BENCH_SECRET,
      DATABASE_URL: db.postgres.url,
      DB_WS_PROXY: db.bridge.proxy,
      ROOM_CAPACITY: "60",
      ...vars,
    },
  });
  const direct = await mf.unsafeGetDirectURL();
  await fetch(new URL("/api/health", direct));
  const startupMs = performance.now() - started;
  const pid = workerdChildren().find((p) => !before.has(p)) ?? null;
  const url = direct.toString().replace(/\/$/, "");
  return { url, wsUrl: url.replace(/^http/, "ws"), startupMs, workerdPid: pid, stop: () => mf.dispose() };
}

/** CPU time (user + system, ms) a process has used so far, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

export interface SeededCall {
  id: string;
  link: string;
  title: string;
  hostId: string;
}

/** Inserts one host and `count` calls straight into Postgres (the room's outbox needs real rows). */
export async function seedCalls(db: Database, count: number): Promise<SeededCall[]> {
  configureNeonForNode(db.bridge.proxy);
  const client = new Client({ connectionString: db.postgres.url });
  client.on("error", () => {});
  await client.connect();
  try {
    const tag = Math.random().toString(36).slice(2, 10);
    const user = await client.query<{ id: string }>(
      "insert into users (name, email, password_salt, password_hash) values ($1, $2, '00', '00') returning id",
      ["Bench Host", `bench-${tag}@example.test`],
    );
    const hostId = user.rows[0]?.id ?? "";
    const calls: SeededCall[] = [];
    for (let i = 0; i < count; i++) {
      const link = `bench-${tag}-${i}`;
      const row = await client.query<{ id: string }>(
        "insert into calls (link, title, host_id) values ($1, $2, $3) returning id",
        [link, `Bench ${i}`, hostId],
      );
      calls.push({ id: row.rows[0]?.id ?? "", link, title: `Bench ${i}`, hostId });
    }
    return calls;
  } finally {
    await client.end();
  }
}

/** Puts a host and `size - 1` admitted guests into the call's room; returns their sockets, host first. */
export async function fillRoom(wsUrl: string, call: SeededCall, size: number): Promise<RoomSocket[]> {
  const ticket = (sub: string, name: string, guest: boolean) =>
    issueTicket(BENCH_SECRET, {
      sub,
      name,
      guest,
      call_id: call.id,
      call_link: call.link,
      call_title: call.title,
      host_user_id: call.hostId,
    });
  const host = await joinRoomSocket(wsUrl, call.link, await ticket(call.hostId, "Host", false));
  host.id = ((await host.next("host_joined_room")).payload.self?.id as string) ?? "";
  const sockets = [host];
  for (let i = 1; i < size; i++) {
    const guest = await joinRoomSocket(
      wsUrl,
      call.link,
      await ticket(`guest:${crypto.randomUUID()}`, `Guest ${i}`, true),
    );
    const waiting = await guest.next("waiting_room");
    const id = waiting.payload.self?.id ?? "";
    host.sendFrame("accept_participant", { participant_id: id });
    await guest.next("accepted_into_room");
    guest.id = id;
    sockets.push(guest);
  }
  // Drain the join chatter so later waits see only what they ask for.
  for (const socket of sockets) socket.frames.length = 0;
  return sockets;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
