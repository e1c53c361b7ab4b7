// The call as the person sees it, as a pure function of room frames: (state, frame) → (state, commands).
// client/src/models/call.ts acts on the commands it returns and wires it to the socket, the peer connections and signals. No DOM here, so
// unit tests drive every transition in node.
import { CLOSE_CODES, type Participant, type ServerFrame } from "../rtc/frames";

type PayloadOf<T extends ServerFrame["event_type"]> = Extract<ServerFrame, { event_type: T }>["payload"];

/** Where the person is in the call's life. */
export type CallPhase =
  | "joining"
  | "waiting"
  | "in-call"
  | "left"
  | "ended"
  | "declined"
  | "removed"
  | "failed";

/** The signaling socket as the person sees it. */
export type SignalingStatus = "connecting" | "connected" | "reconnecting";

export interface ChatMessage {
  id: string;
  senderId: string;
  senderName: string;
  text: string;
  sentAt: string;
  mine: boolean;
}

export interface Reaction {
  key: number;
  senderId: string;
  emoji: string;
}

export interface CallState {
  phase: CallPhase;
  signaling: SignalingStatus;
  callId: string | null;
  self: Participant | null;
  /** Everyone else admitted, in the order they joined. */
  participants: Participant[];
  /** People knocking (only hosts see them). */
  waiting: Participant[];
  chat: ChatMessage[];
  chatOpen: boolean;
  unread: number;
  reactions: Reaction[];
  resumeToken: string | null;
  /** Why the call is over for this person, in words (ended by host, declined reason…). */
  notice: string | null;
  /** The last error the room reported, in words. */
  error: string | null;
}

export const initialCallState: CallState = {
  phase: "joining",
  signaling: "connecting",
  callId: null,
  self: null,
  participants: [],
  waiting: [],
  chat: [],
  chatOpen: false,
  unread: 0,
  reactions: [],
  resumeToken: null,
  notice: null,
  error: null,
};

/** Chat kept in memory per call; older messages scroll away. */
export const CHAT_LIMIT = 500;

/** The phases after which nothing the room says changes the screen. */
export function isFinal(phase: CallPhase): boolean {
  return (
    phase === "left" || phase === "ended" || phase === "declined" || phase === "removed" || phase === "failed"
  );
}

const roomErrors: Record<string, string> = {
  not_in_room: "You are not in the call yet.",
  not_host: "Only the host can do that.",
  unknown_participant: "That person is no longer in the call.",
  rate_limited: "Slow down a little — too many messages at once.",
  payload_too_large: "That message is too long.",
  room_full: "The call is full.",
};

let reactionKey = 0;

/**
 * What the call model must do about a frame beyond the new state: connections to open or close, timers,
 * a knock to ring. Effects as data, so the reducer alone decides what a frame means.
 */
export type CallCommand =
  /** In the call (first admission, or back after a dropped socket): `present` are the others there. */
  | { type: "admitted"; selfId: string; present: string[]; offerSentTo?: string }
  /** Knocking: the connection for the first person of the call can be prepared. */
  | { type: "knocking"; selfId: string }
  /** Someone was admitted and will offer to us. */
  | { type: "expect_offer"; from: string }
  /** A new knock, for a host (not one replayed on reconnecting). */
  | { type: "knock"; person: Participant }
  | { type: "peer_away"; id: string }
  | { type: "peer_back"; id: string }
  | { type: "peer_left"; id: string }
  | { type: "description"; from: string; offer: boolean; data: PayloadOf<"offer" | "answer">["data"] }
  | { type: "candidates"; from: string; data: PayloadOf<"ice_candidate">["data"] }
  /** The error just shown goes away after a while. */
  | { type: "expire_error" }
  /** The reaction `key` stops floating after a while. */
  | { type: "expire_reaction"; key: number }
  /** The room ended this person's part in the call. */
  | { type: "over" };

export interface Reduced {
  state: CallState;
  commands: CallCommand[];
}

const only = (state: CallState, ...commands: CallCommand[]): Reduced => ({ state, commands });

/** Applies one frame from the room: the new state and what to do about it. */
export function reduceFrame(state: CallState, frame: ServerFrame): Reduced {
  if (isFinal(state.phase)) return only(state);
  switch (frame.event_type) {
    case "host_joined_room":
      return only(
        { ...admitted(state, frame.payload), waiting: frame.payload.waiting },
        admittedCommand(frame.payload),
      );
    case "accepted_into_room":
      return only(admitted(state, frame.payload), {
        ...admittedCommand(frame.payload),
        offerSentTo: frame.payload.offer_sent_to,
      });
    case "waiting_room":
      return only(
        {
          ...state,
          phase: "waiting",
          signaling: "connected",
          callId: frame.payload.call_id,
          self: frame.payload.self,
          participants: [],
          resumeToken: null,
        },
        { type: "knocking", selfId: frame.payload.self.id },
      );
    case "new_participant_request": {
      const person = frame.payload.participant;
      const waiting = upsert(state.waiting, person);
      // Knocks are replayed to a host who reconnects; only a new one rings.
      const known = state.waiting.some((p) => p.id === person.id);
      return known ? only({ ...state, waiting }) : only({ ...state, waiting }, { type: "knock", person });
    }
    case "participant_request_cancelled":
      return only({ ...state, waiting: state.waiting.filter((p) => p.id !== frame.payload.participant_id) });
    case "declined_from_room":
      return only({ ...state, phase: "declined", notice: frame.payload.reason ?? null }, { type: "over" });
    case "removed_from_room":
      return only({ ...state, phase: "removed" }, { type: "over" });
    case "new_participant": {
      const joined = frame.payload.participant;
      const command: CallCommand = { type: "expect_offer", from: joined.id };
      if (joined.id === state.self?.id) return only(state, command);
      return only(
        {
          ...state,
          participants: upsert(state.participants, joined),
          waiting: state.waiting.filter((p) => p.id !== joined.id),
        },
        command,
      );
    }
    case "participant_updated":
      return participantUpdated(state, frame.payload.participant);
    case "participant_left": {
      const id = frame.payload.participant_id;
      return only(
        {
          ...state,
          participants: state.participants.filter((p) => p.id !== id),
          waiting: state.waiting.filter((p) => p.id !== id),
        },
        { type: "peer_left", id },
      );
    }
    case "chat_message_received":
      return only(chatReceived(state, frame.payload));
    case "emoji_received": {
      reactionKey += 1;
      const reaction = { key: reactionKey, senderId: frame.payload.sender_id, emoji: frame.payload.emoji };
      return only(
        { ...state, reactions: [...state.reactions, reaction].slice(-30) },
        { type: "expire_reaction", key: reaction.key },
      );
    }
    case "left_room":
      return only({ ...state, phase: "left" }, { type: "over" });
    case "call_terminated":
      return only(
        {
          ...state,
          phase: "ended",
          notice: frame.payload.reason === "call_deleted" ? "The host deleted this call." : null,
        },
        { type: "over" },
      );
    case "error":
      return only({ ...state, error: roomErrors[frame.payload.code] ?? null }, { type: "expire_error" });
    case "offer":
    case "answer":
      return only(state, {
        type: "description",
        from: frame.payload.sender_id,
        offer: frame.event_type === "offer",
        data: frame.payload.data,
      });
    case "ice_candidate":
      return only(state, { type: "candidates", from: frame.payload.sender_id, data: frame.payload.data });
    case "pong":
      return only(state);
  }
}

type Admission = PayloadOf<"host_joined_room" | "accepted_into_room">;

function admitted(state: CallState, payload: Admission): CallState {
  return {
    ...state,
    phase: "in-call",
    signaling: "connected",
    callId: payload.call_id,
    self: payload.self,
    participants: others(payload.participants, payload.self.id),
    resumeToken: payload.resume_token,
    error: null,
  };
}

function admittedCommand(payload: Admission): Extract<CallCommand, { type: "admitted" }> {
  return { type: "admitted", selfId: payload.self.id, present: payload.participants.map((p) => p.id) };
}

/** Their socket dropped (the room keeps the seat) or came back: the same as ours doing so. */
function participantUpdated(state: CallState, updated: Participant): Reduced {
  const wasAway = state.participants.find((p) => p.id === updated.id)?.connected === false;
  const commands: CallCommand[] = !updated.connected
    ? [{ type: "peer_away", id: updated.id }]
    : wasAway
      ? [{ type: "peer_back", id: updated.id }]
      : [];
  if (updated.id === state.self?.id) return { state: { ...state, self: updated }, commands };
  if (!state.participants.some((p) => p.id === updated.id)) return { state, commands };
  return { state: { ...state, participants: upsert(state.participants, updated) }, commands };
}

function chatReceived(state: CallState, payload: PayloadOf<"chat_message_received">): CallState {
  const mine = payload.sender_id === state.self?.id;
  if (state.chat.some((m) => m.id === payload.id)) return state;
  const message: ChatMessage = {
    id: payload.id,
    senderId: payload.sender_id,
    senderName: payload.sender_name,
    text: payload.text,
    sentAt: payload.sent_at,
    mine,
  };
  return {
    ...state,
    chat: [...state.chat, message].slice(-CHAT_LIMIT),
    unread: state.chatOpen || mine ? state.unread : state.unread + 1,
  };
}

/** The chat panel opened or closed: opening reads everything. */
export function setChatOpen(state: CallState, open: boolean): CallState {
  return { ...state, chatOpen: open, unread: open ? 0 : state.unread };
}

/** A reaction's float is over. */
export function dropReaction(state: CallState, key: number): CallState {
  return { ...state, reactions: state.reactions.filter((r) => r.key !== key) };
}

/** The signaling socket's state changed. */
export function setSignaling(state: CallState, signaling: SignalingStatus): CallState {
  return state.signaling === signaling ? state : { ...state, signaling };
}

/** The person's own media changed locally (shown at once, before the room echoes it). */
export function patchSelf(
  state: CallState,
  patch: Partial<Pick<Participant, "audio" | "video" | "screen" | "hand_raised">>,
): CallState {
  return state.self ? { ...state, self: { ...state.self, ...patch } } : state;
}

/** The call is over for this person for a reason found locally (left, socket closed for good). */
export function finish(
  state: CallState,
  phase: "left" | "ended" | "declined" | "removed" | "failed",
  notice: string | null = null,
): CallState {
  return isFinal(state.phase) ? state : { ...state, phase, notice: notice ?? state.notice };
}

/** The phase the signaling socket closed for good with `code` leaves the call in. */
export function stateAfterClose(
  state: CallState,
  { code, reason }: { code: number; reason: string },
): CallState {
  if (isFinal(state.phase)) return state;
  if (code === CLOSE_CODES.terminated) return finish(state, "ended");
  if (code === CLOSE_CODES.removed) return finish(state, state.phase === "waiting" ? "declined" : "removed");
  if (code === CLOSE_CODES.room_full) return finish(state, "failed", "The call is full.");
  if (code === CLOSE_CODES.replaced) return finish(state, "failed", "You joined this call in another tab.");
  if (code !== 1000) return finish(state, "failed", reason || "The connection to the call was lost.");
  return state;
}

function others(list: Participant[], selfId: string): Participant[] {
  return list.filter((p) => p.id !== selfId);
}

function upsert(list: Participant[], participant: Participant): Participant[] {
  const index = list.findIndex((p) => p.id === participant.id);
  if (index === -1) return [...list, participant];
  const copy = list.slice();
  copy[index] = participant;
  return copy;
}
