// zod/mini, as small as zod gets. The browser client does not ship this file: it imports only types from
// here, the plain values of room-constants.ts, and checks frames with client/src/rtc/frames.ts.
import * as z from "zod/mini";
import * as wire from "./room-constants";
import { normalizeText, type TextRules, textProblem } from "./text";

/**
 * The call room's wire contract (docs/protocol.md): every frame is one JSON text message
 * `{"event_type": "...", "payload": {...}}`. The room (src/room/) `safeParse`s every frame it receives; the
 * browser client's own guards check the fields it reads, and a unit test keeps the two in agreement.
 */

export * from "./room-constants";

/** Codes of the `error` event. */
export const roomErrorCodeSchema = z.enum(wire.ROOM_ERROR_CODES);
export type RoomErrorCode = z.infer<typeof roomErrorCodeSchema>;

export const roleSchema = z.enum(["host", "participant"]);
export type Role = z.infer<typeof roleSchema>;

/** One person in the room; `id` is made by the room and belongs to one join. */
export const participantSchema = z.object({
  id: z.string(),
  user_id: z.nullable(z.string()),
  name: z.string(),
  guest: z.boolean(),
  role: roleSchema,
  audio: z.boolean(),
  video: z.boolean(),
  screen: z.boolean(),
  hand_raised: z.boolean(),
  /** When the person was admitted (for someone waiting: when they knocked). */
  joined_at: z.string(),
  /** False while the socket has dropped and the seat is kept for a resume. */
  connected: z.boolean(),
});
export type Participant = z.infer<typeof participantSchema>;

const participantId = z.string().check(z.minLength(1), z.maxLength(wire.MAX_PARTICIPANT_ID_LENGTH));

/** RTCSessionDescriptionInit. */
export const sessionDescriptionSchema = z.object({
  type: z.enum(wire.SESSION_DESCRIPTION_TYPES),
  sdp: z.optional(z.string()),
});

/** RTCIceCandidateInit. */
export const iceCandidateSchema = z.object({
  candidate: z.optional(z.string()),
  sdpMid: z.optional(z.nullable(z.string())),
  sdpMLineIndex: z.optional(z.nullable(z.int().check(z.gte(0)))),
  usernameFragment: z.optional(z.nullable(z.string())),
});

const empty = z.object({});

/** Typed text under the one text policy (src/protocol/text.ts): normalized to NFC, then checked. */
const typedText = (maxLength: number, rules: TextRules) =>
  z.string().check(
    z.overwrite(normalizeText),
    z.maxLength(maxLength),
    z.superRefine((text, ctx) => {
      const problem = textProblem(text, rules);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: text });
    }),
  );

const frame = <T extends string, P extends z.ZodMiniType>(eventType: T, payload: P) =>
  z.object({ event_type: z.literal(eventType), payload });

// ---------------------------------------------------------------- client → server

export const joinRoomSchema = frame(
  "join_room",
  z.object({
    resume_token: z.optional(z.string().check(z.minLength(1), z.maxLength(wire.MAX_RESUME_TOKEN_LENGTH))),
    audio: z.optional(z.boolean()),
    video: z.optional(z.boolean()),
  }),
);
export const acceptParticipantSchema = frame(
  "accept_participant",
  z.object({ participant_id: participantId }),
);
export const declineParticipantSchema = frame(
  "decline_participant",
  z.object({
    participant_id: participantId,
    reason: z.optional(typedText(wire.MAX_DECLINE_REASON_LENGTH, { multiline: true })),
  }),
);
export const removeParticipantSchema = frame(
  "remove_participant",
  z.object({ participant_id: participantId }),
);
export const offerSchema = frame(
  "offer",
  z.object({ target_id: participantId, data: sessionDescriptionSchema }),
);
export const answerSchema = frame(
  "answer",
  z.object({ target_id: participantId, data: sessionDescriptionSchema }),
);
export const iceCandidateFrameSchema = frame(
  "ice_candidate",
  z.object({
    target_id: participantId,
    data: z.union([
      iceCandidateSchema,
      z.array(iceCandidateSchema).check(z.maxLength(wire.MAX_CANDIDATES_PER_FRAME)),
      z.null(),
    ]),
  }),
);
/**
 * (extension) A knock's offer, made while it waits: the room holds it, tells nobody, and on admission sends
 * it to the first person listed in `accepted_into_room` (which names them in `offer_sent_to`).
 */
export const knockOfferSchema = frame(
  "knock_offer",
  z.object({
    data: z.object({
      type: z.literal("offer"),
      sdp: z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(wire.MAX_KNOCK_OFFER_LENGTH),
          z.regex(/^[\x20-\x7e\r\n\t]*$/, "an SDP is ASCII text"),
        ),
    }),
  }),
);
export const mediaStateSchema = frame(
  "media_state",
  z.object({
    audio: z.optional(z.boolean()),
    video: z.optional(z.boolean()),
    screen: z.optional(z.boolean()),
  }),
);
export const raiseHandSchema = frame("raise_hand", z.object({ raised: z.boolean() }));
export const sendChatMessageSchema = frame(
  "send_chat_message",
  z.object({
    // Keeps line breaks and tabs; an empty or invisible-only message is refused as "must contain visible
    // characters".
    text: typedText(wire.MAX_CHAT_LENGTH, { multiline: true }).check(
      z.refine((text) => text !== "", "a message needs some text"),
    ),
  }),
);
export const sendEmojiSchema = frame(
  "send_emoji",
  z.object({
    emoji: z
      .string()
      .check(z.maxLength(wire.MAX_EMOJI_LENGTH), z.regex(wire.EMOJI_PATTERN, "must be one emoji")),
  }),
);
export const leaveRoomSchema = frame("leave_room", empty);
export const endCallSchema = frame("end_call", empty);
export const pingSchema = frame("ping", empty);

/** Every frame a client may send. */
export const clientFrameSchema = z.discriminatedUnion("event_type", [
  joinRoomSchema,
  acceptParticipantSchema,
  declineParticipantSchema,
  removeParticipantSchema,
  offerSchema,
  answerSchema,
  iceCandidateFrameSchema,
  knockOfferSchema,
  mediaStateSchema,
  raiseHandSchema,
  sendChatMessageSchema,
  sendEmojiSchema,
  leaveRoomSchema,
  endCallSchema,
  pingSchema,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientEventType = ClientFrame["event_type"];
export const CLIENT_EVENT_TYPES: ClientEventType[] = clientFrameSchema.def.options.map(
  (o) => o.shape.event_type.def.values[0] as ClientEventType,
);

// ---------------------------------------------------------------- server → client

const relayed = <T extends "offer" | "answer" | "ice_candidate", D extends z.ZodMiniType>(
  eventType: T,
  data: D,
) => frame(eventType, z.object({ sender_id: z.string(), data }));

export const leaveReasonSchema = z.enum(["left", "disconnected", "removed"]);
export type LeaveReason = z.infer<typeof leaveReasonSchema>;
export const terminateReasonSchema = z.enum(["ended_by_host", "call_deleted"]);
export type TerminateReason = z.infer<typeof terminateReasonSchema>;

/** Every frame the room sends. */
export const serverFrameSchema = z.discriminatedUnion("event_type", [
  frame(
    "host_joined_room",
    z.object({
      call_id: z.string(),
      self: participantSchema,
      /** Everyone admitted except `self`. */
      participants: z.array(participantSchema),
      /** Everyone knocking now. */
      waiting: z.array(participantSchema),
      resume_token: z.string(),
    }),
  ),
  frame("waiting_room", z.object({ call_id: z.string(), self: participantSchema })),
  frame("new_participant_request", z.object({ participant: participantSchema })),
  frame("participant_request_cancelled", z.object({ participant_id: z.string() })),
  frame(
    "accepted_into_room",
    z.object({
      call_id: z.string(),
      self: participantSchema,
      /** Everyone admitted except `self`: the newcomer sends each of them an offer. */
      participants: z.array(participantSchema),
      resume_token: z.string(),
      /** (extension) Who got the offer the newcomer made while knocking; it sends that one no offer. */
      offer_sent_to: z.optional(z.string()),
    }),
  ),
  frame("declined_from_room", z.object({ reason: z.optional(z.string()) })),
  frame("removed_from_room", empty),
  frame("new_participant", z.object({ participant: participantSchema })),
  frame("participant_updated", z.object({ participant: participantSchema })),
  frame("participant_left", z.object({ participant_id: z.string(), reason: leaveReasonSchema })),
  relayed("offer", sessionDescriptionSchema),
  relayed("answer", sessionDescriptionSchema),
  relayed("ice_candidate", z.union([iceCandidateSchema, z.array(iceCandidateSchema), z.null()])),
  frame(
    "chat_message_received",
    z.object({
      id: z.string(),
      sender_id: z.string(),
      sender_name: z.string(),
      text: z.string(),
      sent_at: z.string(),
    }),
  ),
  frame("emoji_received", z.object({ sender_id: z.string(), emoji: z.string() })),
  frame("left_room", empty),
  frame("call_terminated", z.object({ reason: terminateReasonSchema, message: z.string() })),
  frame(
    "error",
    z.object({
      code: roomErrorCodeSchema,
      message: z.string(),
      /** The event type of the refused frame, when it had a readable one. */
      event_type: z.optional(z.string()),
    }),
  ),
  frame("pong", empty),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
export type ServerEventType = ServerFrame["event_type"];

/** The server frame with the given `event_type`. */
export type ServerFrameOf<T extends ServerEventType> = Extract<ServerFrame, { event_type: T }>;
/** The client frame with the given `event_type`. */
export type ClientFrameOf<T extends ClientEventType> = Extract<ClientFrame, { event_type: T }>;
