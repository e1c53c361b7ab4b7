// Added network delay for the browser benchmarks. With tc netem (a private network namespace and a kernel
// that has sch_netem) every loopback packet waits, media included. Without it, a userspace TCP proxy delays
// the HTTP and WebSocket traffic between Chromium and the dev stack; WebRTC media then still flows on
// undelayed loopback.
import { spawnSync } from "node:child_process";
import net from "node:net";

/** True when this process may change its own loopback: inside the private namespace browser.ts makes. */
function inPrivateNamespace(): boolean {
  return process.env.VCME_IN_NETNS === "1";
}

/** Probes once whether `tc … netem` works on this loopback (never touches the host's own loopback). */
export function netemAvailable(): boolean {
  if (!inPrivateNamespace()) return false;
  const add = spawnSync("tc", ["qdisc", "add", "dev", "lo", "root", "netem", "delay", "0ms"], {
    stdio: "ignore",
  });
  if (add.status !== 0) return false;
  spawnSync("tc", ["qdisc", "del", "dev", "lo", "root"], { stdio: "ignore" });
  return true;
}

/** Delays every loopback packet by `oneWayMs` (so a round trip by twice that); returns the undo. */
export function addNetemDelay(oneWayMs: number): () => void {
  const add = spawnSync("tc", ["qdisc", "add", "dev", "lo", "root", "netem", "delay", `${oneWayMs}ms`], {
    encoding: "utf8",
  });
  if (add.status !== 0) throw new Error(`tc netem failed: ${add.stderr}`);
  return () => {
    spawnSync("tc", ["qdisc", "del", "dev", "lo", "root"], { stdio: "ignore" });
  };
}

export interface DelayProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:41234 (same host as the target, another port). */
  url: string;
  close(): Promise<void>;
}

/** Writes chunks to `to` no sooner than their due time, in the order they came. */
function delayedWriter(to: net.Socket) {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.at ?? 0) <= now + 0.5) {
      const item = queue.shift();
      if (!item) break;
      if (item.chunk === null) to.end();
      else if (!to.destroyed) to.write(item.chunk);
    }
    arm();
  };
  const arm = () => {
    const head = queue[0];
    if (timer === null && head) timer = setTimeout(flush, Math.max(0, head.at - performance.now()));
  };
  return {
    /** Queues `chunk` (or the end, for null) to be written at `at` (never before an earlier chunk). */
    push(at: number, chunk: Buffer | null) {
      last = Math.max(last, at);
      queue.push({ at: last, chunk });
      arm();
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      queue.length = 0;
    },
  };
}

/**
 * A TCP proxy to `target` that holds every chunk `oneWayMs` in each direction, preserving order. A new
 * connection's first bytes also wait for the round trip of the TCP handshake the proxy answers locally,
 * so a fresh connection costs what it would over a real link of that delay.
 */
export async function startDelayProxy(
  target: { host: string; port: number },
  oneWayMs: number,
): Promise<DelayProxy> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const accepted = performance.now();
    client.setNoDelay(true);
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    open.add(client).add(upstream);
    const toUpstream = delayedWriter(upstream);
    const toClient = delayedWriter(client);
    // SYN reaches the server after one delay, SYN-ACK comes back after another, the data after a third.
    const firstAt = accepted + 3 * oneWayMs;
    client.on("data", (chunk) => toUpstream.push(Math.max(performance.now() + oneWayMs, firstAt), chunk));
    client.on("end", () => toUpstream.push(performance.now() + oneWayMs, null));
    upstream.on("data", (chunk) => toClient.push(performance.now() + oneWayMs, chunk));
    upstream.on("end", () => toClient.push(performance.now() + oneWayMs, null));
    const teardown = () => {
      toUpstream.stop();
      toClient.stop();
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", teardown);
    upstream.on("error", teardown);
    client.on("close", () => setTimeout(teardown, oneWayMs + 5));
    upstream.on("close", () => setTimeout(teardown, oneWayMs + 5));
  });
  await new Promise<void>((resolve) => server.listen(0, target.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${target.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
