// Relay benchmarks over any of the relays (VCME's room, the floor, the runtime floor, PeerJS) via `RelayPeer`.
import type { RelayPeer } from "./relay-clients.ts";

const wired = new WeakSet<RelayPeer>();
let sequence = 0;

/**
 * Round trips client → relay → client → relay → client: A sends an offer to B, B answers A at once.
 * Pairs take turns so no socket sends faster than a real client would (the room rate-limits each socket).
 */
export async function roundTrips(
  pairs: Array<[RelayPeer, RelayPeer]>,
  count: number,
  warmup = 20,
): Promise<{ samples: number[] }> {
  const waiters = new Map<string, (t: number) => void>();
  for (const [a, b] of pairs) {
    if (!wired.has(b)) {
      wired.add(b);
      b.onRelay((from, kind, body) => {
        if (kind === "offer") b.send(from, "answer", body);
      });
    }
    a.onRelay((_from, kind, body) => {
      if (kind === "answer") waiters.get(body)?.(performance.now());
    });
  }
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const pair = pairs[i % pairs.length];
    if (!pair) break;
    const [a, b] = pair;
    const token = `rtt-${++sequence}`;
    const start = performance.now();
    const end = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`round trip ${i} timed out`)), 5_000);
      waiters.set(token, (t) => {
        clearTimeout(timer);
        waiters.delete(token);
        resolve(t);
      });
      a.send(b.id, "offer", token);
    });
    if (i >= warmup) samples.push(end - start);
  }
  return { samples };
}

export interface ThroughputResult {
  framesPerSecond: number;
  relayed: number;
  seconds: number;
  errors: number;
}

/**
 * Saturates a relay: every peer keeps `window` frames in flight to its neighbour and sends the next as soon
 * as one arrives. Counts the frames delivered per second.
 */
export async function throughput(
  peers: RelayPeer[],
  seconds: number,
  window = 32,
): Promise<ThroughputResult> {
  let relayed = 0;
  let running = true;
  const errorsBefore = peers.reduce((sum, p) => sum + p.others.length, 0);
  peers.forEach((peer, index) => {
    const target = peers[(index + 1) % peers.length];
    const source = peers[(index - 1 + peers.length) % peers.length];
    if (!target || !source) return;
    peer.onRelay((from, kind) => {
      if (kind !== "offer" || from !== source.id) return;
      relayed++;
      // Each delivery frees one slot in the sender's window: the receiver sends on its behalf.
      if (running) source.send(peer.id, "offer", "x");
    });
  });
  const started = performance.now();
  peers.forEach((peer, index) => {
    const target = peers[(index + 1) % peers.length];
    if (!target) return;
    for (let i = 0; i < window; i++) peer.send(target.id, "offer", "x");
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const errors = peers.reduce((sum, p) => sum + p.others.length, 0) - errorsBefore;
  return { framesPerSecond: relayed / elapsed, relayed, seconds: elapsed, errors };
}
