// A network whose cable a test can pull: a named network namespace joined to the test's own namespace by a
// veth pair with /30 addresses from the benchmarking range. A browser launched in it (through `executablePath`) reaches the
// dev stack at the same http://127.0.0.1:<port> origin through a forwarder (ns-forward.ts) and a UNIX
// socket, and sends its media over the veth. `cut()` takes the link down and breaks every connection to
// the stack (open ones are destroyed, new ones refused) — everything that person has — until `restore()`.
// Needs root and iproute2 (scripts/e2e.ts runs the browser tests in a private namespace as root).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const forwarderScript = fileURLToPath(new URL("./ns-forward.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface CuttableNetwork {
  /** The browser executable (a wrapper) that runs in the namespace: pass it to `launchBrowser`. */
  executablePath: string;
  /** The namespace's name, for `ip netns exec`. */
  namespace: string;
  /** This side's veth address (the test's namespace, where the other browsers and the stack run). */
  nearAddress: string;
  /** The namespace's veth address: the only non-loopback address a browser in it has. */
  farAddress: string;
  /** Pulls the cable: link down, connections to the stack destroyed, new ones refused. */
  cut(): Promise<void>;
  /** Plugs it back in. */
  restore(): Promise<void>;
  /** Removes the namespace, the veth pair, the forwarder and its files. Safe to call more than once. */
  close(): Promise<void>;
}

/** Whether this process may create network namespaces (root with iproute2), as `cuttableNetwork` needs. */
export async function canCutNetwork(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return run("ip", ["netns", "list"]).then(
    () => true,
    () => false,
  );
}

async function ip(...args: string[]): Promise<void> {
  await run("ip", args).catch((error: { stderr?: string }) => {
    throw new Error(`ip ${args.join(" ")}: ${error.stderr?.trim() ?? String(error)}`);
  });
}

const PREFIX = "vcme-cut-";

/** Deletes the namespaces of test processes that died before their cleanup ran (killed, crashed). */
async function sweepStale(): Promise<void> {
  const { stdout } = await run("ip", ["netns", "list"]);
  for (const name of stdout.split("\n").map((line) => line.split(" ")[0] ?? "")) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split("-")[0]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    await ip("netns", "del", name).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the namespace and its link for the app at `origin` (http://127.0.0.1:<port>); `executablePath`
 * runs `browser` (Chromium unless told) in it.
 */
export async function cuttableNetwork(
  origin: string,
  browser = process.env.CHROME_PATH ?? "/usr/bin/chromium",
): Promise<CuttableNetwork> {
  await sweepStale();
  const port = new URL(origin).port;
  const random = Math.random().toString(36).slice(2, 6);
  // /run/netns is shared by the whole machine (only the e2e run's network is private): the name must be
  // unique across runs and worktrees, and names the process that owns it.
  const namespace = `${PREFIX}${process.pid}-${random}`;
  const near = `vn${process.pid.toString(36)}${random}`.slice(0, 15);
  // 198.19.128.0/17: the half of the benchmarking range (198.18.0.0/15) kept for this cut network; the
  // network lab (test/net) uses 198.18.0.0/16.
  const subnet = `198.19.${128 + Math.floor(Math.random() * 128)}`;
  const nearAddress = `${subnet}.1`;
  const farAddress = `${subnet}.2`;
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-cut-"));
  const socketPath = path.join(dir, "app.sock");
  const executablePath = path.join(dir, path.basename(browser));
  const pairs = new Set<net.Socket>();
  let cutting = false;
  let forwarder: ChildProcess | null = null;
  let closed = false;

  // The stack's side of the forwarder: each UNIX connection becomes a TCP connection to the stack.
  const relay = net.createServer((inner) => {
    if (cutting) {
      inner.destroy();
      return;
    }
    const outer = net.connect(Number(port), "127.0.0.1");
    const end = () => {
      inner.destroy();
      outer.destroy();
      pairs.delete(inner);
    };
    pairs.add(inner);
    for (const side of [inner, outer]) {
      side.on("error", end);
      side.on("close", end);
    }
    inner.pipe(outer);
    outer.pipe(inner);
  });

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    forwarder?.stdin?.end();
    forwarder?.kill();
    for (const inner of pairs) inner.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await ip("link", "del", near).catch(() => undefined);
    await ip("netns", "del", namespace).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await new Promise<void>((resolve, reject) => {
      relay.once("error", reject);
      relay.listen(socketPath, () => resolve());
    });
    await ip("netns", "add", namespace);
    await ip("link", "add", near, "type", "veth", "peer", "name", "cut0", "netns", namespace);
    await ip("addr", "add", `${nearAddress}/30`, "dev", near);
    await ip("link", "set", near, "up");
    await ip("-n", namespace, "link", "set", "lo", "up");
    await ip("-n", namespace, "addr", "add", `${farAddress}/30`, "dev", "cut0");
    await ip("-n", namespace, "link", "set", "cut0", "up");
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${namespace} ${browser} "$@"\n`);
    chmodSync(executablePath, 0o755);
    const child = spawn(
      "ip",
      ["netns", "exec", namespace, process.execPath, "--import", "tsx", forwarderScript, port, socketPath],
      { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
    );
    forwarder = child;
    await forwarderListening(child, "the namespace forwarder");
  } catch (error) {
    await close();
    throw error;
  }

  return {
    executablePath,
    namespace,
    nearAddress,
    farAddress,
    async cut() {
      cutting = true;
      for (const inner of pairs) inner.destroy();
      await ip("link", "set", near, "down");
    },
    async restore() {
      cutting = false;
      await ip("link", "set", near, "up");
    },
    close,
  };
}

/** Resolves once a forwarder child (test/e2e/support/ns-forward.ts) prints "listening"; rejects if it exits. */
export function forwarderListening(child: ChildProcess, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code})`)));
    child.once("error", reject);
  });
}
