import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import {
  CLIENT_EVENT_TYPES,
  CLOSE_CODES,
  type ClientFrame,
  clientFrameSchema,
  MAX_BAD_FRAMES_IN_A_ROW,
  MAX_FRAME_BYTES,
  RATE_LIMIT_BURST,
  RATE_LIMIT_PER_SECOND,
  type RoomErrorCode,
} from "../protocol/room";
import { drop } from "./lifecycle";
import type { Outcome } from "./outcome";
import { readRelayFrame } from "./relay-frame";
import type { Connection, StepContext } from "./state";

// Where a frame is validated: the socket's token bucket, the byte limit, JSON, a known event type, then the
// schema. A frame that fails is answered with an `error` and counted; one that passes goes to the rules.

// The room's `error` events quote zod's messages: make them English even where nothing else loaded a locale.
z.config(en());

const DEFAULT_RATE_LIMIT = { perSecond: RATE_LIMIT_PER_SECOND, burst: RATE_LIMIT_BURST };
const KNOWN_EVENTS: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);

/** Takes one token from the socket's bucket; false when it is empty. */
function takeToken(connection: Connection, ctx: StepContext): boolean {
  const limit = ctx.rateLimit === undefined ? DEFAULT_RATE_LIMIT : ctx.rateLimit;
  if (limit === null) return true;
  const now = ctx.now;
  const elapsed = Math.max(0, now - connection.refilledAt) / 1000;
  connection.tokens = Math.min(limit.burst, connection.tokens + elapsed * limit.perSecond);
  connection.refilledAt = now;
  if (connection.tokens < 1) return false;
  connection.tokens -= 1;
  return true;
}

/** Counts a bad frame; the socket is closed once it keeps sending them. */
function badFrame(
  out: Outcome,
  connection: Connection,
  code: RoomErrorCode,
  message: string,
  eventType?: string,
): void {
  connection.badInARow += 1;
  const overLimit = code === "rate_limited";
  // Rate-limit notices are throttled to one a second so a flood is not answered by a flood.
  if (!overLimit || out.ctx.now - connection.rateNoticeAt >= 1000) {
    if (overLimit) connection.rateNoticeAt = out.ctx.now;
    out.error(connection.id, code, message, eventType);
  }
  if (connection.badInARow >= MAX_BAD_FRAMES_IN_A_ROW) {
    out.close(connection.id, CLOSE_CODES.protocol_violation, "too many bad frames");
    drop(out, connection.id, connection.participantId);
  }
}

/** The schema's reading of a frame; one it refuses is answered with its first issue. */
function schemaFrame(
  out: Outcome,
  connection: Connection,
  json: unknown,
  shownType: string,
): ClientFrame | null {
  const parsed = clientFrameSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  badFrame(out, connection, "invalid_message", `${where}${issue?.message ?? "invalid frame"}`, shownType);
  return null;
}

/** The event type of parsed JSON, or an `error` for anything that is not a frame of a known type. */
function knownEventType(out: Outcome, connection: Connection, json: unknown): string | null {
  const eventType =
    typeof json === "object" && json !== null && "event_type" in json ? json.event_type : undefined;
  if (typeof eventType !== "string") {
    badFrame(out, connection, "invalid_message", 'A frame is {"event_type": "...", "payload": {...}}.');
    return null;
  }
  const shownType = eventType.slice(0, 64);
  if (!KNOWN_EVENTS.has(eventType)) {
    badFrame(out, connection, "unknown_event", `Unknown event_type "${shownType}".`, shownType);
    return null;
  }
  return shownType;
}

/**
 * Reads one frame off a socket (`data` null for a binary frame, `bytes` its UTF-8 size): the valid frame,
 * or null once the sender has been told what was wrong.
 */
export function readFrame(
  out: Outcome,
  connection: Connection,
  data: string | null,
  bytes: number,
): ClientFrame | null {
  if (!takeToken(connection, out.ctx)) {
    badFrame(out, connection, "rate_limited", "Too many messages; slow down.");
    return null;
  }
  if (data === null) {
    badFrame(out, connection, "invalid_message", "Frames must be JSON text.");
    return null;
  }
  if (bytes > MAX_FRAME_BYTES) {
    badFrame(out, connection, "payload_too_large", `Frames may be at most ${MAX_FRAME_BYTES} bytes.`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    badFrame(out, connection, "invalid_message", "Frames must be JSON.");
    return null;
  }
  const shownType = knownEventType(out, connection, json);
  if (shownType === null) return null;
  // Relayed frames, most of the traffic, have a lean reader; anything it does not accept goes to the schema.
  const frame = readRelayFrame(json) ?? schemaFrame(out, connection, json, shownType);
  if (frame) connection.badInARow = 0;
  return frame;
}
