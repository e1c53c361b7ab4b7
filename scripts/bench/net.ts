// `npm run bench -- --only=net`: figures from the network lab (test/net/support/lab.ts), in one run —
// connect time (admit → both people decode each other's first frames) direct between two ordinary NATs,
// through TURN over UDP (two symmetric NATs) and through TURN over TCP (the office without UDP); and, in a
// 4-person mesh where one home's uplink is 1 Mbit/s with 3 % loss, what each person receives and how much
// of their audio had to be concealed. The lab needs root and a private network namespace: this module
// runs itself again under `unshare -n` (`--child`) and reads the figures it prints.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { admit, guestKnocks, probeVideo } from "../../test/e2e/call-support.ts";
import type { LabContext } from "../../test/net/support/global-setup.ts";
import { canRunLab, INTERNET_ADDRESS, startLab } from "../../test/net/support/lab.ts";
import { hostCall, type LabPerson, LabScene, meshCall, pairs } from "../../test/net/support/people.ts";
import { startDevStack } from "../dev.ts";
import { findPostgresBin, freePort, startPostgresCluster } from "../local-db.ts";
import { canUnshareNetwork } from "../vitest-netns.ts";
import { chromiumMissing } from "./browser.ts";
import type { BenchContext, BenchPart } from "./part.ts";
import { fmt, summarize } from "./stats.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MARK = "VCME_NET_BENCH ";
const RUNS = 3;
const UPLINK_KBIT = 1_000;
const LOSS_PERCENT = 3;
const WINDOW_MS = 20_000;

interface NetFigures {
  connect: Record<string, number[]>;
  mesh: Array<{
    name: string;
    thin: boolean;
    receivedKbps: number;
    audioPps: number;
    concealedPercent: number;
  }>;
  thinSentKbps: number[];
}

/** What the lab needs that this machine lacks (root, `unshare -n`, coturn, Chromium), or null. */
function labMissing(): string | null {
  if (!canUnshareNetwork()) return "the network lab needs root and `unshare -n` (util-linux)";
  if (!existsSync("/usr/bin/turnserver")) return "no coturn: `apt-get install -y coturn nftables iproute2`";
  return chromiumMissing();
}

/** The lab figures, measured in a private network namespace (its own process) and reported as rows. */
export const netPart: BenchPart = {
  name: "net",
  missing: labMissing,
  run: (bench) => netBenchmarks(bench),
};

async function netBenchmarks(out: BenchContext): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(
    "unshare",
    ["-n", "sh", "-c", `ip link set lo up && exec '${process.execPath}' --import tsx '${self}' --child`],
    { cwd: root, env: { ...process.env, VCME_IN_NETNS: "1" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const line = child.stdout.split("\n").find((l) => l.startsWith(MARK));
  if (!line) {
    // The child's own error line (not the stack under it, nor workerd's noise) says what went wrong.
    const lines = child.stderr.split("\n");
    const cause = lines.find((l) => /^\w*Error\b/.test(l.trim())) ?? lines.slice(-3).join(" ");
    throw new Error(`the network lab failed (exit ${child.status}): ${cause.trim()}`);
  }
  const figures = JSON.parse(line.slice(MARK.length)) as NetFigures;
  const paths: Record<string, string> = {
    direct: "direct (cone NAT ↔ cone NAT, srflx)",
    "turn-udp": "TURN/UDP (symmetric ↔ symmetric)",
    "turn-tcp": "TURN/TCP (office without UDP ↔ cone)",
  };
  for (const [key, label] of Object.entries(paths)) {
    const samples = figures.connect[key] ?? [];
    if (samples.length === 0) continue;
    const s = summarize(samples);
    out.row(
      "Lab: admit → both decoding (ms)",
      label,
      `median ${fmt(s.p50)}, min ${fmt(s.min)}, max ${fmt(s.max)} (n=${s.n})`,
    );
  }
  for (const person of figures.mesh)
    out.row(
      `Lab: 4-person mesh, one uplink ${UPLINK_KBIT} kbit/s + ${LOSS_PERCENT} % loss`,
      `${person.name}${person.thin ? " (the thin uplink)" : ""}`,
      `receives ${person.receivedKbps} kbit/s from 3 people; audio ${person.audioPps} packets/s, ${person.concealedPercent} % concealed`,
    );
  out.row(
    `Lab: 4-person mesh, one uplink ${UPLINK_KBIT} kbit/s + ${LOSS_PERCENT} % loss`,
    "the thin uplink sends",
    `${figures.thinSentKbps.join(" + ")} = ${figures.thinSentKbps.reduce((a, b) => a + b, 0)} kbit/s`,
  );
}

/** Admit → both sides have decoded a first frame of each other. */
async function connectTime(
  scene: LabScene,
  kinds: ["cone" | "symmetric" | "office", "cone" | "symmetric" | "office"],
) {
  const host = await scene.person("Host", kinds[0]);
  const guest = await scene.person("Guest", kinds[1]);
  const path = await hostCall(host, "Bench");
  await guestKnocks(guest, path);
  const started = Date.now();
  await admit(host, guest);
  const firstFrame = async (viewer: LabPerson, name: string) => {
    while (Date.now() - started < 60_000) {
      const probe = await probeVideo(viewer, name).catch(() => null);
      if (probe && probe.frames > 0) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${viewer.name} never decoded ${name}`);
  };
  const [a, b] = await Promise.all([firstFrame(host, guest.name), firstFrame(guest, host.name)]);
  return Math.max(a, b);
}

/** Per connection of `p`: inbound bytes, audio packets, concealed and total audio samples. */
async function inbound(p: LabPerson) {
  return p.page.evaluate(async () => {
    const probe = (window as unknown as { __vcmeProbe: { connections: RTCPeerConnection[] } }).__vcmeProbe;
    const totals = { bytes: 0, audioPackets: 0, concealed: 0, samples: 0 };
    for (const pc of probe.connections.filter((c) => c.connectionState !== "closed")) {
      (await pc.getStats()).forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        totals.bytes += s.bytesReceived ?? 0;
        if (s.kind === "audio") {
          totals.audioPackets += s.packetsReceived ?? 0;
          totals.concealed += s.concealedSamples ?? 0;
          totals.samples += s.totalSamplesReceived ?? 0;
        }
      });
    }
    return totals;
  });
}

async function child(): Promise<void> {
  if (!(await canRunLab())) throw new Error("the lab cannot run here");
  const dataDir = mkdtempSync(path.join(tmpdir(), "vcme-net-bench-"));
  const lab = await startLab();
  const bin = findPostgresBin();
  const postgres = bin ? await startPostgresCluster(bin) : null;
  const port = await freePort();
  const stack = await startDevStack({
    ip: INTERNET_ADDRESS,
    port,
    databaseUrl: postgres?.url,
    dataDir,
    buildClient: false,
    vars: {
      RATE_LIMIT_SCALE: "100",
      TURN_SHARED_SECRET: lab.turn.secret,
      TURN_URLS: lab.turn.urls.join(","),
    },
    log: () => undefined,
  });
  const context: LabContext = {
    prefix: lab.prefix,
    turnAddress: lab.turn.address,
    turnUrls: lab.turn.urls,
    turnStackPort: port,
    plainStackPort: port,
    ttlSeconds: 8 * 3600,
  };
  const figures: NetFigures = { connect: {}, mesh: [], thinSentKbps: [] };
  try {
    const cases: Array<[string, ["cone" | "symmetric" | "office", "cone" | "symmetric" | "office"]]> = [
      ["direct", ["cone", "cone"]],
      ["turn-udp", ["symmetric", "symmetric"]],
      ["turn-tcp", ["cone", "office"]],
    ];
    for (let run = 0; run < RUNS; run++)
      for (const [key, kinds] of cases) {
        const scene = new LabScene(context, "turn");
        try {
          const ms = await connectTime(scene, kinds);
          figures.connect[key] = [...(figures.connect[key] ?? []), ms];
        } finally {
          await scene.closeAll();
        }
      }

    const scene = new LabScene(context, "turn");
    try {
      const thin = await scene.person("Quinn", "cone");
      const others = [
        await scene.person("Rae", "cone"),
        await scene.person("Sol", "cone"),
        await scene.person("Tom", "cone"),
      ];
      // As in the lab's scenario 8: the mesh forms, then the thin person's uplink turns thin and lossy.
      await meshCall(thin, others, "Bench mesh");
      await thin.home.shape(UPLINK_KBIT, LOSS_PERCENT);
      const everyone = [thin, ...others];
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      const before = await Promise.all(everyone.map(inbound));
      const sentBefore = (await pairs(thin)).map((c) => c.bytesSent);
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
      const after = await Promise.all(everyone.map(inbound));
      const sentAfter = (await pairs(thin)).map((c) => c.bytesSent);
      const seconds = WINDOW_MS / 1000;
      everyone.forEach((p, i) => {
        const [b, a] = [before[i], after[i]];
        if (!a || !b) return;
        const samples = a.samples - b.samples;
        figures.mesh.push({
          name: p.name,
          thin: p === thin,
          receivedKbps: Math.round(((a.bytes - b.bytes) * 8) / seconds / 1000),
          audioPps: Math.round((a.audioPackets - b.audioPackets) / seconds),
          concealedPercent: samples > 0 ? Math.round(((a.concealed - b.concealed) / samples) * 1000) / 10 : 0,
        });
      });
      figures.thinSentKbps = sentAfter.map((s, j) =>
        Math.round(((s - (sentBefore[j] ?? 0)) * 8) / seconds / 1000),
      );
    } finally {
      await scene.closeAll();
    }
    console.log(`${MARK}${JSON.stringify(figures)}`);
  } finally {
    await stack.stop();
    await postgres?.stop();
    await lab.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes("--child")
)
  await child();
