import fc from "fast-check";
import { CLIENT_EVENT_TYPES, clientFrameSchema, MAX_FRAME_BYTES } from "../../../src/protocol/room";
import { anyJson, hostileRecord, invalidUtf8, nestedJson } from "./fuzz-inputs";

/** The payload fields of each client event, so the fuzzer can send them with the wrong types. */
const PAYLOAD_KEYS: Record<string, readonly string[]> = {
  join_room: ["resume_token", "audio", "video"],
  accept_participant: ["participant_id"],
  decline_participant: ["participant_id", "reason"],
  remove_participant: ["participant_id"],
  offer: ["target_id", "data"],
  answer: ["target_id", "data"],
  ice_candidate: ["target_id", "data"],
  media_state: ["audio", "video", "screen"],
  raise_hand: ["raised"],
  send_chat_message: ["text"],
  send_emoji: ["emoji"],
  leave_room: [],
  end_call: [],
  ping: [],
};

/** A frame as sent on the socket: text or binary, with a label for the report. */
export interface WireFrame {
  kind: string;
  data: string | Uint8Array;
}

/** True when the room must refuse this frame with an `error` (too big, not JSON, not a known, valid frame). */
export function isBadFrame(frame: WireFrame): boolean {
  if (typeof frame.data !== "string") return true;
  if (new TextEncoder().encode(frame.data).byteLength > MAX_FRAME_BYTES) return true;
  let json: unknown;
  try {
    json = JSON.parse(frame.data);
  } catch {
    return true;
  }
  return !clientFrameSchema.safeParse(json).success;
}

const knownEvent = fc.constantFrom(...CLIENT_EVENT_TYPES);

/** Frames no valid client sends: every one of them must be answered by exactly one `error`. */
export const badFrame: fc.Arbitrary<WireFrame> = fc
  .oneof(
    {
      weight: 6,
      arbitrary: knownEvent.chain((type) =>
        hostileRecord(PAYLOAD_KEYS[type] ?? []).map((payload) => ({
          kind: "known event, hostile payload",
          data: JSON.stringify({ event_type: type, payload }),
        })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(knownEvent, anyJson).map(([type, payload]) => ({
        kind: "wrong payload type",
        data: JSON.stringify({ event_type: type, payload }),
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.string({ maxLength: 100 }), anyJson).map(([type, payload]) => ({
        kind: "unknown event",
        data: JSON.stringify({ event_type: type, payload }),
      })),
    },
    {
      weight: 1,
      arbitrary: knownEvent.map((type) => ({
        kind: "missing payload",
        data: JSON.stringify({ event_type: type }),
      })),
    },
    { weight: 2, arbitrary: anyJson.map((v) => ({ kind: "any json", data: JSON.stringify(v) ?? "null" })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ kind: "not json", data: `{${s}` })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom<"array" | "object">("array", "object"))
        .map(([depth, shape]) => ({ kind: "deeply nested", data: nestedJson(depth, shape) })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: MAX_FRAME_BYTES + 1, max: 200_000 }).map((n) => ({
        kind: "oversized",
        data: JSON.stringify({ event_type: "send_chat_message", payload: { text: "x".repeat(n) } }),
      })),
    },
    { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ kind: "binary / invalid utf-8", data: bytes })) },
  )
  .filter(isBadFrame);
