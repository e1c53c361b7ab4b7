// One reconnecting WebSocket to the call's room. It validates every frame both ways, pings the room
// with its exact ping frame every 20 s, notices a dead link, and reconnects with capped exponential
// backoff and jitter, asking for a fresh URL (a new 60 s ticket) each time. What to say after opening
// (join_room with the resume token) is the call model's business.

import { PING_INTERVAL_MS } from "../../../src/protocol/room-constants";
import { backoffDelay } from "./backoff";
import {
  CLOSE_CODES,
  type ClientFrame,
  encodeClientFrame,
  PING_FRAME,
  parseServerFrame,
  type ServerFrame,
} from "./frames";

export type SocketStatus = "connecting" | "open" | "reconnecting" | "closed";

/** Why the socket is closed for good. */
export interface SocketEnd {
  code: number;
  reason: string;
}

export interface SignalingOptions {
  /** A fresh WebSocket URL (with a new ticket) for every attempt; throwing `FatalConnectError` stops retrying. */
  url(): Promise<string>;
  /** The socket opened: send `join_room` now with `sendFirst`. */
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  onStatus(status: SocketStatus): void;
  /** The room closed the socket for good (declined, removed, ended) or `close()` was called. */
  onEnd(end: SocketEnd): void;
}

/** Thrown by `url()` when retrying cannot help (the call is gone, guests are no longer allowed…). */
export class FatalConnectError extends Error {
  override name = "FatalConnectError";
}

/** Two missed pongs and no other traffic: the link is dead even if the browser has not noticed. */
const SILENCE_LIMIT_MS = 45_000;
/** Close codes after which reconnecting is wrong: removed, ended, garbage, resumed elsewhere, full. */
const FINAL_CODES = new Set<number>([
  CLOSE_CODES.removed,
  CLOSE_CODES.terminated,
  CLOSE_CODES.protocol_violation,
  CLOSE_CODES.replaced,
  CLOSE_CODES.room_full,
]);
const QUEUE_LIMIT = 200;

export class SignalingSocket {
  #ws: WebSocket | null = null;
  #attempt = 0;
  #stopped = false;
  #joined = false;
  #queue: string[] = [];
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #lastHeard = 0;
  readonly #onOnline = () => {
    if (!this.#stopped && this.#ws === null && this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      void this.#connect();
    }
  };

  readonly #options: SignalingOptions;

  constructor(options: SignalingOptions) {
    this.#options = options;
  }

  /** Opens the first connection. */
  start(): void {
    globalThis.addEventListener?.("online", this.#onOnline);
    void this.#connect();
  }

  /** Sends a frame once the room has (re)admitted this socket; queued until then. False if invalid. */
  send(frame: ClientFrame): boolean {
    const text = encodeClientFrame(frame);
    if (text === null || this.#stopped) return false;
    if (this.#joined && this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(text);
    else if (this.#queue.length < QUEUE_LIMIT) this.#queue.push(text);
    return true;
  }

  /** Sends a frame straight away, before the room has answered `join_room` (join, leave). */
  sendFirst(frame: ClientFrame): boolean {
    const text = encodeClientFrame(frame);
    if (text === null || this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(text);
    return true;
  }

  /** The room answered `join_room`: what was queued goes out now. */
  markJoined(): void {
    this.#joined = true;
    const pending = this.#queue;
    this.#queue = [];
    for (const text of pending) this.#ws?.send(text);
  }

  /** Closes for good. */
  close(code = 1000, reason = "closed"): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    globalThis.removeEventListener?.("online", this.#onOnline);
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(code, reason);
    }
    this.#options.onStatus("closed");
    this.#options.onEnd({ code, reason });
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#options.onStatus(this.#attempt === 0 ? "connecting" : "reconnecting");
    let url: string;
    try {
      url = await this.#options.url();
    } catch (error) {
      if (error instanceof FatalConnectError) this.close(4404, error.message);
      else this.#retry();
      return;
    }
    if (this.#stopped) return;
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.#joined = false;
    ws.onopen = () => {
      this.#lastHeard = Date.now();
      this.#options.onStatus("open");
      this.#startPing(ws);
      this.#options.onOpen();
    };
    ws.onmessage = (event) => {
      this.#lastHeard = Date.now();
      if (typeof event.data !== "string") return;
      const frame = parseServerFrame(event.data);
      if (!frame) return;
      // A successful (re)join resets the backoff: the next drop starts again from a short delay.
      if (frame.event_type === "host_joined_room" || frame.event_type === "accepted_into_room")
        this.#attempt = 0;
      this.#options.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#joined = false;
      this.#clearTimers();
      if (FINAL_CODES.has(event.code)) {
        this.#stopped = true;
        globalThis.removeEventListener?.("online", this.#onOnline);
        this.#options.onStatus("closed");
        this.#options.onEnd({ code: event.code, reason: event.reason });
        return;
      }
      this.#retry();
    };
  }

  #retry(): void {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#options.onStatus("reconnecting");
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
  }

  #startPing(ws: WebSocket): void {
    this.#clearTimers();
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastHeard > SILENCE_LIMIT_MS) {
        ws.close(4000, "silent");
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.send(PING_FRAME);
    }, PING_INTERVAL_MS);
  }

  #clearTimers(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#pingTimer = null;
    this.#retryTimer = null;
  }
}
