// The room's frames (docs/protocol.md), checked both ways without shipping zod: the room validates every frame
// with the schemas of src/protocol/room.ts; here, small guards check what this client reads of a frame from
// the room (and what it hands to the browser's WebRTC calls) exactly as the schemas do, leave the fields it
// never reads alone, and check the values of its own frames that types cannot pin down.
// test/unit/client-frames.test.ts keeps them in agreement with the schemas. Reading a new field of a server
// frame? Check it here first.
import type { ClientFrame, Participant, ServerEventType, ServerFrame } from "../../../src/protocol/room";
import {
  CLOSE_CODES,
  EMOJI_PATTERN,
  MAX_CANDIDATES_PER_FRAME,
  MAX_CHAT_LENGTH,
  MAX_DECLINE_REASON_LENGTH,
  MAX_EMOJI_LENGTH,
  MAX_KNOCK_OFFER_LENGTH,
  MAX_PARTICIPANT_ID_LENGTH,
  MAX_RESUME_TOKEN_LENGTH,
  PING_FRAME,
  ROOM_ERROR_CODES,
} from "../../../src/protocol/room-constants";

export type { ClientFrame, Participant, ServerFrame };
export { CLOSE_CODES, PING_FRAME };

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === "string";
const isBoolean: Check = (value) => typeof value === "boolean";
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const oneOf =
  (...values: readonly string[]): Check =>
  (value) =>
    typeof value === "string" && values.includes(value);
const listOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check);
/** An object whose listed fields pass their checks; other fields are neither checked nor read. */
const fields =
  (shape: Record<string, Check>): Check =>
  (value) =>
    isObject(value) && Object.entries(shape).every(([key, check]) => check(value[key]));

const participant = fields({
  id: isString,
  name: isString,
  guest: isBoolean,
  role: oneOf("host", "participant"),
  audio: isBoolean,
  video: isBoolean,
  screen: isBoolean,
  hand_raised: isBoolean,
  connected: isBoolean,
});
const participants = listOf(participant);
// Handed to setRemoteDescription and addIceCandidate as they are.
const description = fields({
  type: oneOf("offer", "answer", "pranswer", "rollback"),
  sdp: optional(isString),
});
const candidate = fields({
  candidate: optional(isString),
  sdpMid: optional(nullable(isString)),
  sdpMLineIndex: optional(nullable((value) => Number.isSafeInteger(value) && (value as number) >= 0)),
  usernameFragment: optional(nullable(isString)),
});
const relayed = (data: Check) => fields({ sender_id: isString, data });

/** The payload check of every event the room sends; an event missing here does not compile. */
const PAYLOADS: Record<ServerEventType, Check> = {
  host_joined_room: fields({
    call_id: isString,
    self: participant,
    participants,
    waiting: participants,
    resume_token: isString,
  }),
  waiting_room: fields({ call_id: isString, self: participant }),
  new_participant_request: fields({ participant }),
  participant_request_cancelled: fields({ participant_id: isString }),
  accepted_into_room: fields({
    call_id: isString,
    self: participant,
    participants,
    resume_token: isString,
    offer_sent_to: optional(isString),
  }),
  declined_from_room: fields({ reason: optional(isString) }),
  removed_from_room: isObject,
  new_participant: fields({ participant }),
  participant_updated: fields({ participant }),
  participant_left: fields({ participant_id: isString }),
  offer: relayed(description),
  answer: relayed(description),
  ice_candidate: relayed((value) => value === null || candidate(value) || listOf(candidate)(value)),
  chat_message_received: fields({
    id: isString,
    sender_id: isString,
    sender_name: isString,
    text: isString,
    sent_at: isString,
  }),
  emoji_received: fields({ sender_id: isString, emoji: isString }),
  left_room: isObject,
  call_terminated: fields({ reason: oneOf("ended_by_host", "call_deleted") }),
  error: fields({ code: oneOf(...ROOM_ERROR_CODES) }),
  pong: isObject,
};

/** True when `value` is a frame from the room whose fields this client reads are all well-formed. */
export function isServerFrame(value: unknown): value is ServerFrame {
  if (!isObject(value) || typeof value.event_type !== "string") return false;
  return (
    Object.hasOwn(PAYLOADS, value.event_type) && PAYLOADS[value.event_type as ServerEventType](value.payload)
  );
}

/** Parses one text frame from the room; null when it is not JSON or not a known, well-formed frame. */
export function parseServerFrame(text: string): ServerFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  return isServerFrame(json) ? json : null;
}

const isParticipantId = (id: string) => id.length > 0 && id.length <= MAX_PARTICIPANT_ID_LENGTH;

/** False when the room would refuse the frame: its types fix the shape, this checks lengths and content. */
export function isSendable(frame: ClientFrame): boolean {
  switch (frame.event_type) {
    case "join_room": {
      const token = frame.payload.resume_token;
      return token === undefined || (token.length > 0 && token.length <= MAX_RESUME_TOKEN_LENGTH);
    }
    case "accept_participant":
    case "remove_participant":
      return isParticipantId(frame.payload.participant_id);
    case "decline_participant":
      return (
        isParticipantId(frame.payload.participant_id) &&
        (frame.payload.reason ?? "").length <= MAX_DECLINE_REASON_LENGTH
      );
    case "offer":
    case "answer":
      return isParticipantId(frame.payload.target_id);
    case "knock_offer": {
      const { length } = frame.payload.data.sdp;
      return length > 0 && length <= MAX_KNOCK_OFFER_LENGTH;
    }
    case "ice_candidate": {
      const { target_id, data } = frame.payload;
      return isParticipantId(target_id) && !(Array.isArray(data) && data.length > MAX_CANDIDATES_PER_FRAME);
    }
    case "send_chat_message":
      return frame.payload.text.length <= MAX_CHAT_LENGTH && frame.payload.text.trim().length > 0;
    case "send_emoji":
      return frame.payload.emoji.length <= MAX_EMOJI_LENGTH && EMOJI_PATTERN.test(frame.payload.emoji);
    default:
      return true;
  }
}

/** Checks a frame before it is sent; null when the room would refuse it (e.g. an empty chat message). */
export function encodeClientFrame(frame: ClientFrame): string | null {
  return isSendable(frame) ? JSON.stringify(frame) : null;
}
