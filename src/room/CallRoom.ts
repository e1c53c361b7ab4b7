import { DurableObject } from "cloudflare:workers";
import { type DbConfig, isConnectionError, loggableError, withDb } from "../db/client";
import { writeCallRecord } from "../domain/call-records";
import { encodeBase64Url } from "../protocol/base64url";
import {
  CLOSE_CODES,
  DEFAULT_ROOM_CAPACITY,
  MAX_FRAME_BYTES,
  PING_FRAME,
  PONG_FRAME,
  type ServerFrame,
  STALE_AFTER_MS,
} from "../protocol/room";
import { type RoomEvent, step } from "./dispatch";
import { decodeIdentity, ROOM_IDENTITY_HEADER } from "./identity";
import { socketRefusal } from "./lifecycle";
import {
  type ConnectionAttachment,
  createRoomState,
  nextOfferStore,
  nextSeatExpiry,
  persistedPart,
  type RoomState,
  type StepContext,
  type StepResult,
} from "./state";
import { RoomStorage, readAttachment } from "./storage";

/** How often live sockets are checked for a missing heartbeat (this is the only wake-up of an idle call). */
const HEARTBEAT_CHECK_MS = 60_000;
/** Outbox writes wait this long so one flush carries the records of a burst of joins and leaves. */
const OUTBOX_BATCH_DELAY_MS = 1_000;
const OUTBOX_BACKOFF_MAX_MS = 10 * 60_000;

/** What the room reads of the Worker's env (src/env.ts), declared here so the room does not import it. */
export interface RoomEnv extends DbConfig {
  /** Most admitted people in one call. */
  ROOM_CAPACITY?: string;
  /** Per-socket frames per second; unset: the contract's 50. "off" only for benchmarks. */
  ROOM_RATE_LIMIT?: string;
}

/** Delay before retry number `attempts` (1, 2, …): exponential, capped, with jitter so rooms spread out. */
function backoff(attempts: number): number {
  const base = Math.min(OUTBOX_BACKOFF_MAX_MS, 1_000 * 2 ** Math.min(attempts, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function roomCapacity(env: RoomEnv): number {
  const parsed = Number.parseInt(env.ROOM_CAPACITY ?? "", 10);
  return Number.isInteger(parsed) && parsed > 0 && parsed <= 100 ? parsed : DEFAULT_ROOM_CAPACITY;
}

/** `ROOM_RATE_LIMIT`: unset → the contract's limit; "off" → none (benchmarks only); "N" → N/s, bursts of 2N. */
function rateLimit(env: RoomEnv): { perSecond: number; burst: number } | null | undefined {
  const value = env.ROOM_RATE_LIMIT?.trim();
  if (!value) return undefined;
  if (value === "off") return null;
  const perSecond = Number.parseInt(value, 10);
  return Number.isInteger(perSecond) && perSecond > 0 ? { perSecond, burst: perSecond * 2 } : undefined;
}

function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID()}`;
}

function randomToken(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(24)));
}

/** UTF-8 size of a text frame, computed exactly only when the cheap bounds cannot decide. */
function frameBytes(message: string): number {
  if (message.length > MAX_FRAME_BYTES || message.length * 3 <= MAX_FRAME_BYTES) return message.length;
  return new TextEncoder().encode(message).byteLength;
}

/**
 * One call's room: wires the pure state machine (`step()` in ./dispatch.ts) to the WebSocket Hibernation API, the
 * object's SQLite storage (room state and the Postgres outbox) and its alarm. Holds no rules itself.
 */
export class CallRoom extends DurableObject<RoomEnv> {
  private state: RoomState;
  private readonly storage: RoomStorage;
  /** The step context's fixed part, read from `env` once rather than for every frame. */
  private readonly config: Omit<StepContext, "now">;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly socketIds = new WeakMap<WebSocket, string>();
  /** Last frame per socket while awake (the auto-response timestamp covers pings while asleep). */
  private readonly lastFrameAt = new Map<string, number>();
  /** The alarm as last set or read (null: none; undefined: not read since waking up). */
  private alarmAt: number | null | undefined;
  private flushing: Promise<void> | null = null;
  /** The room's clock; tests move it forward to let resume seats run out. */
  protected clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: RoomEnv) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    this.storage = new RoomStorage(ctx.storage.sql);
    this.config = { capacity: roomCapacity(env), rateLimit: rateLimit(env), newId, newToken: randomToken };
    this.state = {
      ...createRoomState(),
      ...this.storage.loadRoom(),
      connections: {},
      knockOffers: this.storage.loadOffers(),
    };
    for (const id of Object.keys(this.state.knockOffers)) this.state.offerStore.storedAt[id] = 0;
    const live: ConnectionAttachment[] = [];
    for (const ws of ctx.getWebSockets()) {
      const attachment = readAttachment(ws.deserializeAttachment());
      if (!attachment) {
        ws.close(CLOSE_CODES.protocol_violation, "unknown connection");
        continue;
      }
      this.sockets.set(attachment.id, ws);
      this.socketIds.set(ws, attachment.id);
      live.push(attachment);
    }
    void ctx.blockConcurrencyWhile(() => this.handle({ type: "restore", connections: live }));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const identity = decodeIdentity(request.headers.get(ROOM_IDENTITY_HEADER));
    if (!identity) return new Response("missing identity", { status: 401 });
    const refusal = socketRefusal(this.state, identity);
    if (refusal) return Response.json({ error: refusal }, { status: 429 });
    const pair = new WebSocketPair();
    const server = pair[1];
    const id = crypto.randomUUID();
    server.serializeAttachment({ id, identity, participantId: null, openedAt: this.clock() });
    this.ctx.acceptWebSocket(server);
    this.sockets.set(id, server);
    this.socketIds.set(server, id);
    await this.handle({ type: "open", connectionId: id, identity });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const id = this.connectionOf(ws);
    if (!id) return;
    this.lastFrameAt.set(id, this.clock());
    const data = typeof message === "string" ? message : null;
    const bytes = typeof message === "string" ? frameBytes(message) : message.byteLength;
    await this.handle({ type: "frame", connectionId: id, data, bytes });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const id = this.connectionOf(ws);
    if (id) await this.gone(id);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed from our side.
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    const id = this.connectionOf(ws);
    if (id) await this.gone(id);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    // Due outbox records first, so the schedule below does not see them overdue and wake the room again.
    await this.flushOutbox();
    const now = this.clock();
    for (const [id, ws] of this.sockets) {
      const attachment = readAttachment(ws.deserializeAttachment());
      const seen = Math.max(
        this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0,
        this.lastFrameAt.get(id) ?? 0,
        attachment?.openedAt ?? 0,
      );
      if (now - seen < STALE_AFTER_MS) continue;
      try {
        ws.close(CLOSE_CODES.stale, "no heartbeat");
      } catch {
        // The socket is already gone; the room forgets it below either way.
      }
      await this.gone(id);
    }
    await this.handle({ type: "tick" });
    await this.scheduleAlarm();
  }

  /** Ends a live session because the call was deleted (called by `DELETE /api/calls/:link`). */
  async terminate(reason: "call_deleted"): Promise<void> {
    await this.handle({ type: "terminate", reason });
  }

  /** Writes due outbox records to Postgres; on failure they stay and are retried with backoff. */
  async flushOutbox(): Promise<void> {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const rows = this.storage.due(this.clock());
    if (rows.length === 0) return;
    const pending = [...rows];
    try {
      await withDb(this.env, async (db) => {
        while (pending.length > 0) {
          const row = pending[0];
          if (!row) break;
          try {
            await writeCallRecord(db, row.record);
            this.storage.done(row.id);
          } catch (error) {
            if (isConnectionError(error)) throw error;
            // A record Postgres refuses is kept and retried later; it does not hold up the others.
            console.error("outbox record refused", loggableError(error));
            this.storage.retryLater(row.id, row.attempts + 1, this.clock() + backoff(row.attempts + 1));
          }
          pending.shift();
        }
      });
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      const reason = loggableError(error);
      console.warn(`outbox: Postgres unreachable (${reason}); ${pending.length} record(s) retried later`);
      for (const row of pending) {
        this.storage.retryLater(row.id, row.attempts + 1, this.clock() + backoff(row.attempts + 1));
      }
    }
  }

  private connectionOf(ws: WebSocket): string | null {
    // The attachment is read (and validated) only when this instance has not seen the socket yet.
    let id = this.socketIds.get(ws);
    if (id === undefined) {
      id = readAttachment(ws.deserializeAttachment())?.id;
      if (id === undefined) return null;
      this.socketIds.set(ws, id);
    }
    return this.sockets.get(id) === ws ? id : null;
  }

  private async gone(id: string): Promise<void> {
    this.sockets.delete(id);
    this.lastFrameAt.delete(id);
    await this.handle({ type: "close", connectionId: id });
  }

  private async handle(event: RoomEvent): Promise<void> {
    const now = this.clock();
    // The room owns its state and replaces it with the result, so the machine may work on it in place.
    const result = step(this.state, event, { ...this.config, now }, "in-place");
    this.apply(result, now);
    // The alarm depends on kept seats (a dirty step), the outbox (record effects) and live sockets (close
    // effects, or an event other than a frame); a frame that changed none of them (a relay) leaves it be,
    // which spares every relayed frame an outbox query.
    if (event.type !== "frame" || result.dirty || result.effects.length > 0) await this.scheduleAlarm();
  }

  private apply(result: StepResult, now: number): void {
    this.state = result.state;
    // A broadcast repeats one frame object for every recipient: it is serialized once.
    let last: ServerFrame | null = null;
    let text = "";
    for (const { to, frame } of result.messages) {
      if (frame !== last) {
        last = frame;
        text = JSON.stringify(frame);
      }
      try {
        this.sockets.get(to)?.send(text);
      } catch {
        // The socket died under us; its close event tells the room.
      }
    }
    for (const effect of result.effects) {
      if (effect.type === "record") {
        this.storage.enqueue(effect.record, now + OUTBOX_BATCH_DELAY_MS);
      } else if (effect.type === "attach") {
        this.sockets.get(effect.attachment.id)?.serializeAttachment(effect.attachment);
      } else if (effect.type === "store_offer") {
        this.storage.saveOffer(effect.participantId, effect.sdp);
      } else if (effect.type === "wake") {
        // The alarm is set again after every step with effects (see `handle`), from `nextOfferStore`.
      } else {
        const ws = this.sockets.get(effect.connectionId);
        this.sockets.delete(effect.connectionId);
        this.lastFrameAt.delete(effect.connectionId);
        try {
          ws?.close(effect.code, effect.reason);
        } catch {
          // Already closed.
        }
      }
    }
    if (result.dirty) this.storage.saveRoom(persistedPart(this.state));
  }

  /**
   * Keeps one alarm at the earliest of: a seat running out, an outbox retry, a coalesced knock offer's
   * turn, the next heartbeat check.
   */
  private async scheduleAlarm(): Promise<void> {
    const candidates = [nextSeatExpiry(this.state), this.storage.nextDue(), nextOfferStore(this.state)];
    if (this.sockets.size > 0) candidates.push(this.clock() + HEARTBEAT_CHECK_MS);
    const wanted = candidates.filter((at): at is number => at !== null);
    if (wanted.length === 0) return;
    // Something already overdue (an outbox retry after a long sleep) runs right away.
    const at = Math.max(Math.min(...wanted), this.clock());
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
