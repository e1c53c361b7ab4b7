// The call as the person sees it, as a pure function of room frames: (state, frame) → state.
// client/src/models/call.ts wires it to the socket, the peer connections and signals. No DOM here, so
// unit tests drive every transition in node.
import type { Participant, ServerFrame } from "../rtc/frames";

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

/** The signaling link as the person sees it. */
export type LinkStatus = "connecting" | "connected" | "reconnecting";

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
  link: LinkStatus;
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
  link: "connecting",
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

/** Applies one frame from the room. */
export function reduceFrame(state: CallState, frame: ServerFrame): CallState {
  if (isFinal(state.phase)) return state;
  switch (frame.event_type) {
    case "host_joined_room":
      return {
        ...state,
        phase: "in-call",
        link: "connected",
        callId: frame.payload.call_id,
        self: frame.payload.self,
        participants: others(frame.payload.participants, frame.payload.self.id),
        waiting: frame.payload.waiting,
        resumeToken: frame.payload.resume_token,
        error: null,
      };
    case "accepted_into_room":
      return {
        ...state,
        phase: "in-call",
        link: "connected",
        callId: frame.payload.call_id,
        self: frame.payload.self,
        participants: others(frame.payload.participants, frame.payload.self.id),
        resumeToken: frame.payload.resume_token,
        error: null,
      };
    case "waiting_room":
      return {
        ...state,
        phase: "waiting",
        link: "connected",
        callId: frame.payload.call_id,
        self: frame.payload.self,
        participants: [],
        resumeToken: null,
      };
    case "new_participant_request":
      return { ...state, waiting: upsert(state.waiting, frame.payload.participant) };
    case "participant_request_cancelled":
      return { ...state, waiting: state.waiting.filter((p) => p.id !== frame.payload.participant_id) };
    case "declined_from_room":
      return { ...state, phase: "declined", notice: frame.payload.reason ?? null };
    case "removed_from_room":
      return { ...state, phase: "removed" };
    case "new_participant":
      if (frame.payload.participant.id === state.self?.id) return state;
      return {
        ...state,
        participants: upsert(state.participants, frame.payload.participant),
        waiting: state.waiting.filter((p) => p.id !== frame.payload.participant.id),
      };
    case "participant_updated": {
      const updated = frame.payload.participant;
      if (updated.id === state.self?.id) return { ...state, self: updated };
      if (!state.participants.some((p) => p.id === updated.id)) return state;
      return { ...state, participants: upsert(state.participants, updated) };
    }
    case "participant_left":
      return {
        ...state,
        participants: state.participants.filter((p) => p.id !== frame.payload.participant_id),
        waiting: state.waiting.filter((p) => p.id !== frame.payload.participant_id),
      };
    case "chat_message_received": {
      const mine = frame.payload.sender_id === state.self?.id;
      if (state.chat.some((m) => m.id === frame.payload.id)) return state;
      const message: ChatMessage = {
        id: frame.payload.id,
        senderId: frame.payload.sender_id,
        senderName: frame.payload.sender_name,
        text: frame.payload.text,
        sentAt: frame.payload.sent_at,
        mine,
      };
      return {
        ...state,
        chat: [...state.chat, message].slice(-CHAT_LIMIT),
        unread: state.chatOpen || mine ? state.unread : state.unread + 1,
      };
    }
    case "emoji_received":
      reactionKey += 1;
      return {
        ...state,
        reactions: [
          ...state.reactions,
          { key: reactionKey, senderId: frame.payload.sender_id, emoji: frame.payload.emoji },
        ].slice(-30),
      };
    case "left_room":
      return { ...state, phase: "left" };
    case "call_terminated":
      return {
        ...state,
        phase: "ended",
        notice: frame.payload.reason === "call_deleted" ? "The host deleted this call." : null,
      };
    case "error":
      return { ...state, error: roomErrors[frame.payload.code] ?? null };
    case "offer":
    case "answer":
    case "ice_candidate":
    case "pong":
      return state;
  }
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
export function setLink(state: CallState, link: LinkStatus): CallState {
  return state.link === link ? state : { ...state, link };
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
