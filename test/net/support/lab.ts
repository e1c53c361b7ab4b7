// The network lab: an "internet" segment with NAT'd homes, an office firewall and a real TURN server, all
// network namespaces and veth links on this machine with addresses from 198.18.0.0/16 only.
//
//   internet (this process's namespace, made private by scripts/net.ts): bridge lab0, 198.18.0.1 — the
//   dev stack (workerd) listens there; nothing else is routed anywhere.
//     ├─ turn namespace, 198.18.0.2: coturn (STUN + TURN over UDP and TCP); default route into a "void"
//     │  namespace that forwards nothing (a dead end: coturn drops an allocation when a send towards a
//     │  private address fails outright).
//     └─ router namespace per home, WAN 198.18.0.<10+n> on lab0, LAN 198.18.<n>.1/24, nftables:
//          "cone"      masquerade (endpoint-independent mapping, the common home router)
//          "symmetric" masquerade random,fully-random (every destination gets a new port)
//          "office"    masquerade, and every outgoing UDP packet dropped (only TURN over TCP gets out)
//        └─ home namespace, 198.18.<n>.2/24, default route via its router: the browser runs here, with a
//           forwarder on 127.0.0.1:<stack port> that carries the app's connections to 198.18.0.1 through
//           the NAT — the page has a 127.0.0.1 origin (a secure context, for getUserMedia) while all of its
//           traffic, signaling included, crosses its home's router.
// Uplink shaping (`shape`): a TBF rate cap on the home's egress (a 300 ms buffer, as home routers have) and random loss with nftables
// `numgen random mod 100 < N drop` on the router. This kernel has no netem: no added delay.
// Needs root, iproute2, nftables and coturn; only inside the private namespace scripts/net.ts makes.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { forwarderListening } from "../../e2e/support/netns";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const forwarderScript = fileURLToPath(new URL("../../e2e/support/ns-forward.ts", import.meta.url));

export const PREFIX = "vcme-lab-";
export const INTERNET_ADDRESS = "198.18.0.1";
export const TURN_ADDRESS = "198.18.0.2";
export const TURN_PORT = 3478;
const BRIDGE = "lab0";

export type HomeKind = "cone" | "symmetric" | "office";

async function sh(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(" ")}: ${stderr || String(error)}`);
  }
}

const ip = (...args: string[]) => sh("ip", args);
const inNs = (namespace: string, command: string, ...args: string[]) =>
  sh("ip", ["netns", "exec", namespace, command, ...args]);
const nft = (namespace: string, rules: string) => inNs(namespace, "nft", rules);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the lab can run here: root with iproute2, nftables and coturn, inside scripts/net.ts's namespace. */
export async function canRunLab(): Promise<boolean> {
  if (process.getuid?.() !== 0 || process.env.VCME_IN_NETNS !== "1") return false;
  try {
    await sh("ip", ["netns", "list"]);
    await sh("nft", ["--version"]);
    await sh("turnserver", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/** Deletes the lab namespaces of runs whose process died before their cleanup ran (killed, crashed). */
export async function sweepStale(): Promise<void> {
  const listed = await sh("ip", ["netns", "list"]);
  for (const name of listed.split("\n").map((line) => line.split(" ")[0] ?? "")) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split("-")[0]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    await removeNamespace(name);
  }
}

async function addNamespace(name: string): Promise<void> {
  // Any resolver a program in the namespace asks is 127.0.0.1 there, where nothing answers.
  mkdirSync(`/etc/netns/${name}`, { recursive: true });
  writeFileSync(`/etc/netns/${name}/resolv.conf`, "nameserver 127.0.0.1\n");
  await ip("netns", "add", name);
  await ip("-n", name, "link", "set", "lo", "up");
}

async function removeNamespace(name: string): Promise<void> {
  // Killing what still runs inside first: a namespace with processes would live on without its name.
  const pids = await sh("ip", ["netns", "pids", name]).catch(() => "");
  for (const pid of pids.split("\n").filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already gone
    }
  }
  await ip("netns", "del", name).catch(() => undefined);
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

/** A unique interface name in this namespace (15 characters at most). */
function ifname(tag: string): string {
  return `${tag}${Math.random().toString(36).slice(2, 8)}`.slice(0, 15);
}

export interface TurnServer {
  address: string;
  port: number;
  secret: string;
  /** `turn:` URLs (UDP and TCP), as the Worker's TURN_URLS. */
  urls: string[];
  stop(): Promise<void>;
}

export interface LabCore {
  /** Prefix of every namespace this run creates (`vcme-lab-<pid>-`). */
  prefix: string;
  turn: TurnServer;
  close(): Promise<void>;
}

/**
 * The internet segment (bridge lab0 with 198.18.0.1 in this namespace) and the TURN server's namespace
 * with coturn, using the TURN REST API shared secret. Call once per run (the global setup).
 */
export async function startLab(): Promise<LabCore> {
  await sweepStale();
  const prefix = `${PREFIX}${process.pid}-`;
  const turnNs = `${prefix}turn`;
  const voidNs = `${prefix}void`;
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-lab-"));
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  let coturn: ChildProcess | null = null;
  const turnVeth = ifname("lt");

  async function close(): Promise<void> {
    coturn?.kill("SIGTERM");
    if (coturn && coturn.exitCode === null)
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        coturn?.once("exit", () => {
          clearTimeout(timer);
          resolve(null);
        });
      });
    const listed = await sh("ip", ["netns", "list"]).catch(() => "");
    for (const name of listed.split("\n").map((line) => line.split(" ")[0] ?? ""))
      if (name.startsWith(prefix)) await removeNamespace(name);
    await ip("link", "del", BRIDGE).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await ip("link", "set", "lo", "up");
    await ip("link", "add", BRIDGE, "type", "bridge");
    await ip("addr", "add", `${INTERNET_ADDRESS}/24`, "dev", BRIDGE);
    await ip("link", "set", BRIDGE, "up");

    await addNamespace(turnNs);
    await ip("link", "add", turnVeth, "type", "veth", "peer", "name", "eth0", "netns", turnNs);
    await ip("link", "set", turnVeth, "master", BRIDGE, "up");
    await ip("-n", turnNs, "addr", "add", `${TURN_ADDRESS}/24`, "dev", "eth0");
    await ip("-n", turnNs, "link", "set", "eth0", "up");
    // The dead end: whatever coturn sends outside the lab's segment goes to a namespace that forwards
    // nothing, where it is swallowed — never refused (this kernel has no dummy devices).
    await addNamespace(voidNs);
    await ip("-n", turnNs, "link", "add", "void0", "type", "veth", "peer", "name", "eth0", "netns", voidNs);
    await ip("-n", turnNs, "addr", "add", "198.18.255.253/30", "dev", "void0");
    await ip("-n", turnNs, "link", "set", "void0", "up");
    await ip("-n", voidNs, "addr", "add", "198.18.255.254/30", "dev", "eth0");
    await ip("-n", voidNs, "link", "set", "eth0", "up");
    await ip("-n", turnNs, "route", "add", "default", "via", "198.18.255.254");

    const config = path.join(dir, "turnserver.conf");
    writeFileSync(
      config,
      [
        `listening-ip=${TURN_ADDRESS}`,
        `relay-ip=${TURN_ADDRESS}`,
        `listening-port=${TURN_PORT}`,
        "min-port=49152",
        "max-port=65535",
        "use-auth-secret",
        `static-auth-secret=${secret}`,
        "realm=vcme.lab",
        "fingerprint",
        "no-tls",
        "no-dtls",
        "no-cli",
        "no-software-attribute",
        `userdb=${path.join(dir, "turndb")}`,
        `pidfile=${path.join(dir, "turnserver.pid")}`,
        "log-file=stdout",
        "simple-log",
        "",
      ].join("\n"),
    );
    const child = spawn("ip", ["netns", "exec", turnNs, "turnserver", "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    coturn = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`coturn did not start within 10 s:\n${output}`)),
        10_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Total (UDP|General) servers|listener opened on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`coturn exited (${code}):\n${output}`));
      });
    });
    // Logged lines are kept short: allocations and refused credentials, for a failing test's report.
    child.stdout?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (/401|error|ALLOCATE.*(processed|error)/i.test(line) && process.env.VCME_LAB_LOG === "1")
          console.log(`[coturn] ${line.trim()}`);
    });
    return {
      prefix,
      turn: {
        address: TURN_ADDRESS,
        port: TURN_PORT,
        secret,
        urls: [
          `turn:${TURN_ADDRESS}:${TURN_PORT}?transport=udp`,
          `turn:${TURN_ADDRESS}:${TURN_PORT}?transport=tcp`,
        ],
        async stop() {
          child.kill("SIGTERM");
        },
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface HomeOptions {
  /** Port of the dev stack at 198.18.0.1: a forwarder on the home's 127.0.0.1:<port> reaches it. */
  stackPort: number;
}

export interface Home {
  kind: HomeKind;
  /** The home's namespace (the browser runs here). */
  namespace: string;
  router: string;
  /** The browser's own address (a private LAN address behind the router). */
  lanAddress: string;
  /** The router's public address on the internet segment. */
  wanAddress: string;
  /** A Chromium executable (wrapper) that runs in the home's namespace. */
  executablePath: string;
  /** Caps the home's uplink (TBF) and drops `lossPercent` of its outgoing packets at the router. */
  shape(uplinkKbit: number, lossPercent: number): Promise<void>;
  /** Drops every UDP packet through the router that is not to or from the TURN server: no direct path. */
  cutDirect(): Promise<void>;
  restoreDirect(): Promise<void>;
  /** Packets the router's rules dropped so far (UDP out for an office, loss, the cut), by rule. */
  dropped(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

let homes = 0;

/** A home (or office) behind its own router on the internet segment of a lab started with `startLab`. */
export async function addHome(prefix: string, kind: HomeKind, options: HomeOptions): Promise<Home> {
  homes += 1;
  // Worker processes of one run share the prefix; the worker's pid keeps their numbers apart.
  const n = ((process.pid % 50) * 4 + homes) % 200;
  const subnet = `198.18.${20 + n}`;
  const id = `${process.pid}-${homes}`;
  const router = `${prefix}r${id}`;
  const home = `${prefix}h${id}`;
  const lanAddress = `${subnet}.2`;
  const wanAddress = `198.18.0.${20 + n}`;
  const wanVeth = ifname("lw");
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-lab-home-"));
  const executablePath = path.join(dir, "chromium");
  let forwarder: ChildProcess | null = null;
  let closed = false;

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    forwarder?.stdin?.end();
    forwarder?.kill();
    await removeNamespace(home);
    await removeNamespace(router);
    await ip("link", "del", wanVeth).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await addNamespace(router);
    await addNamespace(home);
    await ip("link", "add", wanVeth, "type", "veth", "peer", "name", "wan", "netns", router);
    await ip("link", "set", wanVeth, "master", BRIDGE, "up");
    await ip("-n", router, "addr", "add", `${wanAddress}/24`, "dev", "wan");
    await ip("-n", router, "link", "set", "wan", "up");
    await ip("-n", router, "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", home);
    await ip("-n", router, "addr", "add", `${subnet}.1/24`, "dev", "lan");
    await ip("-n", router, "link", "set", "lan", "up");
    await ip("-n", home, "addr", "add", `${lanAddress}/24`, "dev", "eth0");
    await ip("-n", home, "link", "set", "eth0", "up");
    await ip("-n", home, "route", "add", "default", "via", `${subnet}.1`);
    await inNs(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    const masquerade = kind === "symmetric" ? "masquerade random,fully-random" : "masquerade";
    await nft(
      router,
      `table inet lab {
        counter office_udp {}
        chain forward {
          type filter hook forward priority 0; policy drop;
          ${kind === "office" ? 'iifname "lan" meta l4proto udp counter name office_udp drop' : ""}
          ct state established,related accept
          iifname "lan" oifname "wan" accept
        }
        chain input {
          type filter hook input priority 0; policy accept;
          # As any home router: nothing from outside reaches the router itself. An unsolicited packet that
          # got here instead would leave a conntrack entry on the very port the NAT wants to map next.
          iifname "wan" ct state != established,related drop
        }
        chain postrouting {
          type nat hook postrouting priority 100;
          oifname "wan" ${masquerade}
        }
      }`,
    );

    writeFileSync(
      executablePath,
      `#!/bin/sh\nexec ip netns exec ${home} ${process.env.CHROME_PATH ?? "/usr/bin/chromium"} "$@"\n`,
    );
    chmodSync(executablePath, 0o755);
    const port = String(options.stackPort);
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        home,
        process.execPath,
        "--import",
        "tsx",
        forwarderScript,
        port,
        `${INTERNET_ADDRESS}:${port}`,
      ],
      { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
    );
    forwarder = child;
    await forwarderListening(child, "the home's forwarder");
  } catch (error) {
    await close();
    throw error;
  }

  return {
    kind,
    namespace: home,
    router,
    lanAddress,
    wanAddress,
    executablePath,
    async shape(uplinkKbit, lossPercent) {
      await inNs(
        home,
        "tc",
        "qdisc",
        "replace",
        "dev",
        "eth0",
        "root",
        "tbf",
        "rate",
        `${uplinkKbit}kbit`,
        "burst",
        "16kb",
        "latency",
        "300ms",
      );
      await nft(
        router,
        `table inet shape {
          counter loss {}
          chain forward {
            type filter hook forward priority -20; policy accept;
            iifname "lan" numgen random mod 100 < ${lossPercent} counter name loss drop
          }
        }`,
      );
    },
    async cutDirect() {
      await nft(
        router,
        `table inet cut {
          counter cut {}
          chain forward {
            type filter hook forward priority -10; policy accept;
            meta l4proto udp ip saddr != ${TURN_ADDRESS} ip daddr != ${TURN_ADDRESS} counter name cut drop
          }
        }`,
      );
    },
    async restoreDirect() {
      await inNs(router, "nft", "delete", "table", "inet", "cut");
    },
    async dropped() {
      const out = await inNs(router, "nft", "-j", "list", "counters");
      const counts: Record<string, number> = {};
      for (const item of (JSON.parse(out) as { nftables: Array<Record<string, unknown>> }).nftables) {
        const counter = item.counter as { name: string; packets: number } | undefined;
        if (counter) counts[counter.name] = counter.packets;
      }
      return counts;
    },
    close,
  };
}
