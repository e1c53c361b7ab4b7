// One small client interface over the signaling relays the benchmarks compare: VCME's call room, the
// bare `ws` floor relay (and the runtime floor, relays/workerd-floor.ts, which speaks its protocol) and the
// PeerJS server. Each peer can send a frame to another peer by id and is told of every frame relayed to it.
import { randomUUID } from "node:crypto";
import { WebSocket } from "ws";

export type Kind = "offer" | "answer";

export interface RelayPeer {
  id: string;
  send(to: string, kind: Kind, body: string): void;
  onRelay(handler: (from: string, kind: Kind, body: string) => void): void;
  /** Frames this socket received that were not relays (acks, errors, room events). */
  readonly others: string[];
  close(): void;
}

/** Opens a WebSocket and resolves once it is open. */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) =>
      reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
    );
  });
}

/** A peer of the bare floor relay (scripts/bench/relays/floor.ts). */
export async function floorPeer(port: number): Promise<RelayPeer> {
  const id = randomUUID();
  const ws = await openSocket(`ws://127.0.0.1:${port}/?id=${id}`);
  const handlers: Array<(from: string, kind: Kind, body: string) => void> = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { from: string; type: Kind; data: string };
    for (const handler of handlers) handler(frame.from, frame.type, frame.data);
  });
  return {
    id,
    others: [],
    send: (to, kind, body) => ws.send(JSON.stringify({ to, type: kind, data: body })),
    onRelay: (handler) => handlers.push(handler),
    close: () => ws.close(),
  };
}

/** A peer of the PeerJS server (scripts/bench/relays/peerjs.ts), speaking its wire protocol. */
export async function peerjsPeer(port: number): Promise<RelayPeer> {
  const id = randomUUID();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=${randomUUID()}`, {
    perMessageDeflate: false,
  });
  const handlers: Array<(from: string, kind: Kind, body: string) => void> = [];
  const others: string[] = [];
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve, reject) => {
    opened = resolve;
    ws.once("error", reject);
  });
  // Listening before the socket opens: the server's OPEN can arrive in the same read as the handshake.
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { type: string; src?: string; payload?: { sdp?: string } };
    if (frame.type === "OPEN") return opened();
    if ((frame.type === "OFFER" || frame.type === "ANSWER") && frame.src) {
      const kind: Kind = frame.type === "OFFER" ? "offer" : "answer";
      for (const handler of handlers) handler(frame.src, kind, frame.payload?.sdp ?? "");
      return;
    }
    others.push(String(data));
  });
  await open;
  return {
    id,
    others,
    send: (to, kind, body) =>
      ws.send(
        JSON.stringify({
          type: kind === "offer" ? "OFFER" : "ANSWER",
          dst: to,
          payload: { type: kind, sdp: body },
        }),
      ),
    onRelay: (handler) => handlers.push(handler),
    close: () => ws.close(),
  };
}

/** Server frames of the call room, loosely typed for the benchmark's own bookkeeping. */
interface RoomFrame {
  event_type: string;
  payload: Record<string, unknown> & {
    self?: { id: string };
    participant?: { id: string };
    sender_id?: string;
    data?: { sdp?: string };
  };
}

/** A socket in VCME's call room that has sent `join_room`, with a way to wait for a given frame. */
export class RoomSocket {
  readonly frames: RoomFrame[] = [];
  private waiters: Array<{ match: (f: RoomFrame) => boolean; resolve: (f: RoomFrame) => void }> = [];
  private relayHandlers: Array<(from: string, kind: Kind, body: string) => void> = [];
  readonly others: string[] = [];
  received = 0;
  id = "";

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.received++;
      const text = String(data);
      const frame = JSON.parse(text) as RoomFrame;
      const kind = frame.event_type;
      if ((kind === "offer" || kind === "answer") && frame.payload.sender_id) {
        for (const handler of this.relayHandlers)
          handler(frame.payload.sender_id, kind, frame.payload.data?.sdp ?? "");
        return;
      }
      this.others.push(text);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    });
  }

  /** Resolves with the first (already received or coming) frame of `eventType`. */
  next(eventType: string, timeoutMs = 10_000): Promise<RoomFrame> {
    const match = (f: RoomFrame) => f.event_type === eventType;
    const index = this.frames.findIndex(match);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0] as RoomFrame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${eventType} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  sendFrame(eventType: string, payload: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ event_type: eventType, payload }));
  }

  asPeer(): RelayPeer {
    return {
      id: this.id,
      others: this.others,
      send: (to, kind, body) => this.sendFrame(kind, { target_id: to, data: { type: kind, sdp: body } }),
      onRelay: (handler) => this.relayHandlers.push(handler),
      close: () => this.ws.close(),
    };
  }
}

/** Opens a room socket with a ticket and sends `join_room`. */
export async function joinRoomSocket(baseWsUrl: string, link: string, ticket: string): Promise<RoomSocket> {
  const ws = await openSocket(
    `${baseWsUrl}/api/calls/${encodeURIComponent(link)}/ws?ticket=${encodeURIComponent(ticket)}`,
  );
  const socket = new RoomSocket(ws);
  socket.sendFrame("join_room", { audio: true, video: true });
  return socket;
}
