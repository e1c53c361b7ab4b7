// The room's limits, heartbeat frames and close codes: plain values with no zod, so the browser client can
// import them without shipping a validator. src/protocol/room.ts re-exports all of them.

/** Largest frame the room reads, in UTF-8 bytes; larger frames get `error` `payload_too_large`. */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * Longest SDP of a `knock_offer`, in characters; it must be ASCII (as every browser's SDP is), so this is
 * also its size in bytes. The room stores each waiting knock's latest offer on its own row (an offer with
 * a dozen candidates is 5–8 KB): at most this many bytes per knock.
 */
export const MAX_KNOCK_OFFER_LENGTH = 16 * 1024;
/** Knocks one identity (an account, or the guest of one ticket) may have waiting: its other sockets share it. */
export const MAX_KNOCKS_PER_IDENTITY = 1;
/** A knock's offer is stored at most once per this interval; newer ones in between are coalesced. */
export const KNOCK_OFFER_STORE_INTERVAL_MS = 1_000;
/** Knock offers the whole room stores per second at most (bursts of the same size); others wait their turn. */
export const KNOCK_OFFER_STORES_PER_SECOND = 5;
/** Longest chat message, in characters. */
export const MAX_CHAT_LENGTH = 2000;
/** Longest participant id a client may name (`participant_id`, `target_id`). */
export const MAX_PARTICIPANT_ID_LENGTH = 64;
/** Longest `resume_token` a client may send. */
export const MAX_RESUME_TOKEN_LENGTH = 128;
/** Longest reason a host may give when declining someone. */
export const MAX_DECLINE_REASON_LENGTH = 200;
/** Longest `send_emoji` value, in UTF-16 code units. */
export const MAX_EMOJI_LENGTH = 32;
/** Most candidates in one `ice_candidate` frame. */
export const MAX_CANDIDATES_PER_FRAME = 100;
/** `RTCSessionDescriptionInit.type` values. */
export const SESSION_DESCRIPTION_TYPES = ["offer", "answer", "pranswer", "rollback"] as const;
/** How long a dropped participant's seat is kept for `join_room{resume_token}`. */
export const RESUME_GRACE_MS = 30_000;
/** Admitted people per call unless `ROOM_CAPACITY` says otherwise (a full mesh beyond this hurts everyone). */
export const DEFAULT_ROOM_CAPACITY = 12;
/** People knocking at once; further knocks get `error` `room_full` and are closed. */
export const WAITING_ROOM_CAPACITY = 50;
/** Sustained frames per second per socket; bursts up to `RATE_LIMIT_BURST` are allowed. */
export const RATE_LIMIT_PER_SECOND = 50;
export const RATE_LIMIT_BURST = 100;
/** Bad frames in a row after which the socket is closed with `CLOSE_CODES.protocol_violation`. */
export const MAX_BAD_FRAMES_IN_A_ROW = 20;
/** A client sends `PING_FRAME` at least this often; sockets silent for `STALE_AFTER_MS` are closed. */
export const PING_INTERVAL_MS = 20_000;
export const STALE_AFTER_MS = 90_000;

/** The exact heartbeat frames: the room answers them without waking up (`setWebSocketAutoResponse`). */
export const PING_FRAME = '{"event_type":"ping","payload":{}}';
export const PONG_FRAME = '{"event_type":"pong","payload":{}}';

/** One emoji: a flag, a keycap, or pictographs (with skin tones and variation selectors) joined by ZWJ. */
export const EMOJI_PATTERN =
  /^(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]*)*)$/u;

/** Codes of the `error` event. */
export const ROOM_ERROR_CODES = [
  "invalid_message",
  "unknown_event",
  "not_in_room",
  "not_host",
  "unknown_participant",
  "payload_too_large",
  "rate_limited",
  "already_joined",
  "room_full",
] as const;

/** WebSocket close codes the room uses. */
export const CLOSE_CODES = {
  /** Normal close after `leave_room`. */
  normal: 1000,
  /** No ping or frame for `STALE_AFTER_MS`. */
  stale: 4000,
  /** The same participant resumed on another socket. */
  replaced: 4001,
  /** Declined from the waiting room or removed by a host. */
  removed: 4003,
  /** The call ended (`end_call`) or was deleted. */
  terminated: 4004,
  /** Too many bad frames in a row. */
  protocol_violation: 4008,
  /** The room or its waiting room is full. */
  room_full: 4009,
} as const;
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
