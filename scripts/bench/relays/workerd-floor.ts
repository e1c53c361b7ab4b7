// The runtime's floor for the relay benchmarks: the least a Durable Object on workerd can do to relay —
// the floor relay's protocol (relays/floor.ts: `?id=` on connect, `{to, type, data}` in, `{from, type,
// data}` out) in one Durable Object with hibernatable sockets, as VCME's room has them. It parses a frame,
// looks the target up in a map and sends; no validation, no rules, no storage. What it costs per frame is
// what the runtime costs: the room's relay cannot go below it on this architecture.
import { Miniflare } from "miniflare";
import { workerdChildren } from "../vcme-stack.ts";

const SCRIPT = `
import { DurableObject } from "cloudflare:workers";

export class Relay extends DurableObject {
  sockets = new Map();

  async fetch(request) {
    const id = new URL(request.url).searchParams.get("id") ?? "";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [id]);
    this.sockets.set(id, pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, message) {
    const frame = JSON.parse(message);
    let target = this.sockets.get(frame.to);
    if (!target) {
      // After a hibernation the map is empty: the runtime still knows every socket by its tag.
      target = this.ctx.getWebSockets(frame.to)[0];
      if (target) this.sockets.set(frame.to, target);
    }
    target?.send(JSON.stringify({ from: this.ctx.getTags(ws)[0], type: frame.type, data: frame.data }));
  }

  webSocketClose(ws) {
    this.sockets.delete(this.ctx.getTags(ws)[0]);
  }
}

export default {
  fetch: (request, env) => env.RELAY.get(env.RELAY.idFromName("floor")).fetch(request),
};
`;

export interface WorkerdFloor {
  port: number;
  /** The workerd process, for its CPU time. */
  pid: number | null;
  stop(): Promise<void>;
}

/** Starts the Durable Object relay in its own workerd process, on 127.0.0.1 (Miniflare's direct socket). */
export async function startWorkerdFloor(): Promise<WorkerdFloor> {
  const before = new Set(workerdChildren());
  const mf = new Miniflare({
    modules: true,
    script: SCRIPT,
    compatibilityDate: "2026-04-20",
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    host: "127.0.0.1",
    durableObjects: { RELAY: { className: "Relay", useSQLite: true } },
  });
  const url = await mf.unsafeGetDirectURL();
  const pid = workerdChildren().find((p) => !before.has(p)) ?? null;
  return { port: Number(url.port), pid, stop: () => mf.dispose() };
}
